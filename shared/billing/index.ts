export { type BillingSettings, loadBillingSettings, resolveBillingSettings } from './config';
export { ensureCustomer } from './customers';
export { type BillingDeps, billingDeps } from './deps';
export {
  assertCanStartTask,
  assertModelAllowed,
  effectivePlan,
  entitlementsFor,
  runningTaskCap,
  type TenantEntitlements,
} from './entitlements';
export { BillingNotSynced, BillingOff, PlanLimitReached, WebhookSignatureInvalid } from './errors';
export {
  type Entitlements,
  lookupKeys,
  METER_EVENT_NAME,
  ModelTier,
  modelTierOf,
  monthlyBudgetMicroUsd,
  PLANS,
  type Plan,
  PlanId,
  planById,
} from './plans';
export { createCheckout, createPortal } from './sessions';
export { stripeClient } from './stripe-client';
export { type SyncAction, syncStripeCatalog } from './sync';
export { monthOf, reportUsage, type UsageReportRun } from './usage-reporter';
export { billingInvoices, billingStatus, billingUsage, setOverageCap } from './views';
export { receiveStripeWebhook, type WebhookResult } from './webhook';
