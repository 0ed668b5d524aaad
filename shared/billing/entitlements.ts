import type { Store } from '../store';
import { type BillingAccount, BillingAccounts } from '../store/billing-accounts';
import { countRunningTasks } from '../store/running-tasks';
import type { BillingSettings } from './config';
import { PlanLimitReached } from './errors';
import { type Entitlements, type ModelTier, modelTierOf, PLANS, type Plan } from './plans';

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

/** The number of tasks the tenant may have running at once (what the task-start check reads). */
export async function runningTaskCap(
  deps: { store: Store; settings: BillingSettings; now?: () => Date },
  tenantId: string,
): Promise<number> {
  return (await entitlementsFor(deps, tenantId)).entitlements.maxRunningTasks;
}

/** Refuses a new task when the tenant already runs as many as its plan allows (403 naming both). */
export async function assertCanStartTask(
  deps: { store: Store; settings: BillingSettings; now?: () => Date },
  tenantId: string,
): Promise<void> {
  const { plan, entitlements } = await entitlementsFor(deps, tenantId);
  const running = await countRunningTasks(deps.store, tenantId);
  if (running >= entitlements.maxRunningTasks)
    throw new PlanLimitReached(
      plan.id,
      'maxRunningTasks',
      `The ${plan.name} plan runs at most ${entitlements.maxRunningTasks} task(s) at once and ${running} are running; wait for one to finish or upgrade the plan.`,
    );
}

/** Refuses a model above the plan's tiers (403 naming the plan, the model and its tier). */
export function assertModelAllowed(plan: Plan, model: { id: string; quality: number }): void {
  const tier: ModelTier = modelTierOf(model.quality);
  if (!plan.entitlements.modelTiers.includes(tier))
    throw new PlanLimitReached(
      plan.id,
      'modelTiers',
      `The ${plan.name} plan allows ${plan.entitlements.modelTiers.join(' and ')} models; ${model.id} is ${tier}. Choose another model or upgrade the plan.`,
    );
}
