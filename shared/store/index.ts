export { createDocumentClient, type DynamoConnection, ensureTable } from './client';
export { DataFolderInUse } from './data-folder-lock';
export { StoreUnavailable, storeProblem } from './health';
export { newTaskId, newUlid } from './ids';
export { keys } from './keys';
export { type EngineExit, type LocalDynamo, startLocalDynamo } from './local-engine';
export {
  type Clock,
  DELTA_TTL_SECONDS,
  type Page,
  type PlanRecord,
  Store,
  systemClock,
  type TaskDelta,
  type TaskRun,
  type TransitionOptions,
} from './store';
export { TABLE_INDEXES, TTL_ATTRIBUTE, tableDefinition } from './table';
