import { handleClientFrame, liveDeps } from '@techteam/shared/live';
import { ok, type SocketEvent, type SocketResult, tenantOf } from './socket-event';

/** `subscribe`, `unsubscribe`, `ping` and `$default`: one client frame, answered on the socket. */
export async function handler(event: SocketEvent): Promise<SocketResult> {
  const frame = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  await handleClientFrame(tenantOf(event), event.requestContext.connectionId, frame, liveDeps());
  return ok;
}
