export {
  LIVE_STREAM_FILTERS,
  type LiveChange,
  liveChangeOf,
  type StreamRecord,
  streamRecordsByTenant,
} from '../store/stream-records';
export {
  type AuthorizeConnect,
  authorizeLocalTenant,
  type LiveIdentity,
  LOCAL_LIVE_IDENTITY,
} from './authorize';
export { apiGatewayConnections, type LiveConnections, managementClient } from './connections';
export { liveDeps, useLiveDeps } from './deps';
export { InvalidLiveMessage, LiveUnauthorized, NoLiveTenant } from './errors';
export { type FanOutDeps, fanOut, POST_CONCURRENCY } from './fan-out';
export { ClientMessage, LIVE_PATH, type ServerMessage, type Topic } from './protocol';
export { closeSession, handleClientFrame, openSession, type SessionDeps } from './sessions';
export { FAN_OUT_BATCH_SIZE, FAN_OUT_RETRY_ATTEMPTS } from './stream-mapping';
