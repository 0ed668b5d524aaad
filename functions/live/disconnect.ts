import { closeSession, liveDeps } from '@techteam/shared/live';
import { socketDoor } from './socket-event';

/** `$disconnect`: the connection and its subscriptions leave the table. */
export const handler = socketDoor((tenantId, event) =>
  closeSession(tenantId, event.requestContext.connectionId, liveDeps()),
);
