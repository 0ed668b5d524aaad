import { liveDeps, openSession } from '@techteam/shared/live';
import { ok, type SocketEvent, type SocketResult, tenantOf } from './socket-event';

/** `$connect` (already authorized): remembers the connection with a TTL. */
export async function handler(event: SocketEvent): Promise<SocketResult> {
  await openSession(tenantOf(event), event.requestContext.connectionId, liveDeps());
  return ok;
}
