export { type BillingSettings, loadBillingSettings, resolveBillingSettings } from './config';
export { ensureCustomer } from './customers';
export { type BillingDeps, billingDeps } from './deps';
export { effectivePlan, entitlementsFor, type TenantEntitlements } from './entitlements';
export { BillingNotSynced, BillingOff, PlanLimitReached, WebhookSignatureInvalid } from './errors';
export {
  assertModelAllowed,
  assertModelsAllowed,
  modelRefusal,
  type PlanSource,
  planInForce,
  planRunningTaskCap,
  planSourceFromEnv,
  tenantPlan,
} from './plan-in-force';
export {
  type Entitlements,
  lookupKeys,
  METER_EVENT_NAME,
  ModelTier,
  modelTierOf,
  PLANS,
  type Plan,
  PlanId,
  planAllowanceMicroUsd,
  planById,
} from './plans';
export { createCheckout, createPortal } from './sessions';
export { stripeClient } from './stripe-client';
export { type SyncAction, syncStripeCatalog } from './sync';
export { monthOf, reportUsage, type UsageReportRun } from './usage-reporter';
export { billingInvoices, billingStatus, billingUsage, setOverageCap } from './views';
export { receiveStripeWebhook, type WebhookResult } from './webhook';
