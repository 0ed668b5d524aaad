import { NoLiveTenant } from '@techteam/shared/live';

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
