import { handleClientFrame, liveDeps } from '@techteam/shared/live';
import { socketDoor } from './socket-event';

/** `subscribe`, `unsubscribe`, `ping` and `$default`: one client frame, answered on the socket. */
export const handler = socketDoor((tenantId, event) => {
  const frame = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  return handleClientFrame(tenantId, event.requestContext.connectionId, frame, liveDeps());
});
