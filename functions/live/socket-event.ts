import { NoLiveTenant } from '@techteam/shared/live';
import { actAsTenant } from '@techteam/shared/store';

/**
 * What API Gateway gives a WebSocket route's Lambda (and the local host builds the same):
 * the connection id and, on every route, the context the `$connect` authorizer returned.
 */
export interface SocketEvent {
  requestContext: {
    connectionId: string;
    routeKey: string;
    authorizer?: { tenantId?: string; scopes?: string };
  };
  body?: string;
  isBase64Encoded?: boolean;
}

export interface SocketResult {
  statusCode: number;
  body?: string;
}

export function tenantOf(event: SocketEvent): string {
  const tenantId = event.requestContext.authorizer?.tenantId;
  if (!tenantId) throw new NoLiveTenant();
  return tenantId;
}

export const ok: SocketResult = { statusCode: 200 };

/**
 * A socket route's door: its work acts for the tenant the `$connect` authorizer put in the
 * connection's context (never one a client frame names), so every store request it makes is
 * held to that tenant (shared/store/acting-tenant.ts) and, on AWS, signed with that tenant's
 * session, whose role admits only that tenant's partitions (infra/aws/tenant-access.ts).
 */
export function socketDoor(work: (tenantId: string, event: SocketEvent) => Promise<void>) {
  return async (event: SocketEvent): Promise<SocketResult> => {
    const tenantId = tenantOf(event);
    await actAsTenant(tenantId, () => work(tenantId, event));
    return ok;
  };
}
