export { createDocumentClient, type DynamoConnection, ensureTable } from './client';
export { newTaskId, newUlid } from './ids';
export { keys } from './keys';
export { type LocalDynamo, startLocalDynamo } from './local-engine';
export {
  type Clock,
  DELTA_TTL_SECONDS,
  type Page,
  Store,
  systemClock,
  type TaskDelta,
  type TransitionOptions,
} from './store';
export { TABLE_INDEXES, TTL_ATTRIBUTE, tableDefinition } from './table';
