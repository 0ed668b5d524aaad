import { liveDeps, openSession } from '@techteam/shared/live';
import { socketDoor } from './socket-event';

/** `$connect` (already authorized): remembers the connection with a TTL. */
export const handler = socketDoor((tenantId, event) =>
  openSession(tenantId, event.requestContext.connectionId, liveDeps()),
);
