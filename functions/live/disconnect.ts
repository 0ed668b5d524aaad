import { closeSession, liveDeps } from '@techteam/shared/live';
import { ok, type SocketEvent, type SocketResult, tenantOf } from './socket-event';

/** `$disconnect`: the connection and its subscriptions leave the table. */
export async function handler(event: SocketEvent): Promise<SocketResult> {
  await closeSession(tenantOf(event), event.requestContext.connectionId, liveDeps());
  return ok;
}
