export { actAsTenant, actingTenant } from './acting-tenant';
export { ApiKeys, apiKeyKeys, StoredApiKey } from './api-keys';
export { AuditAction, AuditLog, AuditRecord, auditKeys } from './audit';
export { BillingAccounts, billingKeys } from './billing-accounts';
export {
  BudgetLedger,
  type BudgetLedgerOptions,
  budgetLines,
  DEFAULT_HOLD_STALE_AFTER_MS,
} from './budget-ledger';
export { CHECKPOINT_PART_BYTES, type CheckpointRef, Checkpoints } from './checkpoints';
export { createDocumentClient, type DynamoConnection, ensureTable } from './client';
export { DataFolderInUse } from './data-folder-lock';
export { TaskLogClosed } from './event-log';
export {
  EVENT_PAYLOAD_FOLDER,
  EVENT_PREVIEW_CHARS,
  type EventPayloadFile,
  type EventPayloadFiles,
  EventTooLarge,
  MAX_EVENT_PAYLOAD_BYTES,
} from './event-payloads';
export { StoreUnavailable, storeProblem } from './health';
export { newTaskId, newUlid } from './ids';
export { keys } from './keys';
export {
  LIVE_ITEM_TTL_SECONDS,
  type LiveSubscription,
  LiveSubscriptions,
  type LiveTopic,
  liveKeys,
} from './live-subscriptions';
export { type EngineExit, type LocalDynamo, startLocalDynamo } from './local-engine';
export { MeterReports } from './meter-reports';
export { type BucketLimit, RATE_PARTITION_PREFIX, RateLimits, rateLimitKeys, type Take } from './rate-limits';
export { RunningTaskCapReached } from './running-task-count';
export {
  type Clock,
  DELTA_TTL_SECONDS,
  MAX_PLAN_BYTES,
  type Page,
  type PlanRecord,
  Store,
  systemClock,
  type TaskDelta,
  type TaskRun,
  type TransitionOptions,
} from './store';
export { StoreMeter, type StoreMeterOptions } from './store-meter';
export { stripeEventKey } from './stripe-events';
export { TABLE_INDEXES, TTL_ATTRIBUTE, tableDefinition } from './table';
export { raiseTaskBudget } from './task-budget';
export {
  reconcileMonthlyBudget,
  type TenantSettingsChange,
  tenantSpendCap,
  updateTenantSettings,
} from './tenant-budget';
export { CrossTenantRequest, TenantIdUnscopable, TenantScopeViolation } from './tenant-errors';
export {
  getTenantModel,
  queryTenantModelAudit,
  queryTenantModels,
  type StoredTenantModel,
  type TenantModelAudit,
  writeTenantModel,
} from './tenant-models';
export { listTenantUsage } from './tenant-usage';
export { type NewTenant, Tenants } from './tenants';
