import type { Store } from '../store';
import { type BillingAccount, BillingAccounts } from '../store/billing-accounts';
import type { BillingSettings } from './config';
import { type Entitlements, PLANS, type Plan } from './plans';

/**
 * The plan a tenant has now: with billing off, the one named by
 * TECHTEAM_PLAN_WHEN_BILLING_OFF; else its account's, except Free once a
 * payment-failure grace period has passed (even before the sweep records it).
 */
export function effectivePlan(
  account: BillingAccount | undefined,
  settings: BillingSettings,
  now: Date,
): Plan {
  if (!settings.enabled) return PLANS[settings.planWhenOff];
  if (!account) return PLANS.free;
  if (account.graceUntil && now.toISOString() >= account.graceUntil) return PLANS.free;
  return PLANS[account.plan] ?? PLANS.free;
}

export interface TenantEntitlements {
  plan: Plan;
  entitlements: Entitlements;
}

/** What the tenant's plan allows now (the running-task cap, model tiers, credit, sandbox tier, seats). */
export async function entitlementsFor(
  deps: { store: Store; settings: BillingSettings; now?: () => Date },
  tenantId: string,
): Promise<TenantEntitlements> {
  const account = deps.settings.enabled ? await new BillingAccounts(deps.store).get(tenantId) : undefined;
  const plan = effectivePlan(account, deps.settings, deps.now?.() ?? new Date());
  return { plan, entitlements: plan.entitlements };
}
