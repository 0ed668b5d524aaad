import type { Tenant } from '../domain';
import { ConfigInvalid } from '../errors';
import type { CatalogModel } from '../gateway/catalog/catalog';
import type { Store } from '../store';
import { PlanLimitReached } from './errors';
import { modelTierOf, PLANS, type Plan, PlanId, planAllowanceMicroUsd } from './plans';

/**
 * Where a tenant's plan comes from, decided from the environment alone (no secret is read, so
 * every door and the gateway can ask): with billing off, TECHTEAM_PLAN_WHEN_BILLING_OFF for every
 * tenant; with billing on, the plan billing last recorded on the tenant item (Free until it has).
 */
export interface PlanSource {
  billingOn: boolean;
  planWhenOff: PlanId;
}

/**
 * Billing can be on only outside deploy-your-own mode with a Stripe key configured (the key itself,
 * or TECHTEAM_STRIPE_SECRETS naming the secret that holds it).
 */
export function planSourceFromEnv(env: Record<string, string | undefined>): PlanSource {
  const named = env['TECHTEAM_PLAN_WHEN_BILLING_OFF'] ?? 'business';
  const parsed = PlanId.safeParse(named);
  if (!parsed.success)
    throw new ConfigInvalid('TECHTEAM_PLAN_WHEN_BILLING_OFF', 'must be free, team or business');
  const billingOn =
    env['TECHTEAM_MODE'] !== 'byo' && !!(env['STRIPE_SECRET_KEY'] || env['TECHTEAM_STRIPE_SECRETS']);
  return { billingOn, planWhenOff: parsed.data };
}

/** The plan whose entitlements apply to this tenant now. */
export function planInForce(tenant: Pick<Tenant, 'plan'> | undefined, source: PlanSource): Plan {
  if (!source.billingOn) return PLANS[source.planWhenOff];
  const id = PlanId.safeParse(tenant?.plan);
  return id.success ? PLANS[id.data] : PLANS.free;
}

/**
 * The monthly budget the gateway holds a tenant to while billing has written none for it: with
 * billing on, Free's allowance (a new tenant is on Free); with billing off, none.
 */
export function monthlyBudgetWhenUnset(source: PlanSource): number | undefined {
  return source.billingOn ? planAllowanceMicroUsd(PLANS.free, 0) : undefined;
}

/** The running-task cap the identity layer enforces: an operator's per-tenant setting, else the plan's. */
export function planRunningTaskCap(source: () => PlanSource) {
  return (tenant: Tenant | undefined): { cap: number; plan: string } => {
    const plan = planInForce(tenant, source());
    return { cap: tenant?.maxRunningTasks ?? plan.entitlements.maxRunningTasks, plan: plan.name };
  };
}

/** Why the plan may not use this model (its tier), or undefined when it may: the router skips it with this reason. */
export function modelRefusal(plan: Plan, model: Pick<CatalogModel, 'id' | 'quality'>): string | undefined {
  const tier = modelTierOf(model.quality);
  return plan.entitlements.modelTiers.includes(tier)
    ? undefined
    : `the ${plan.name} plan does not allow ${tier} models`;
}

/** Refuses settings that name a model the plan does not allow (403 naming the plan, the model and its tier). */
export function assertModelsAllowed(
  plan: Plan,
  models: Iterable<Pick<CatalogModel, 'id' | 'quality'> | undefined>,
): void {
  for (const model of models) if (model) assertModelAllowed(plan, model);
}

/** Refuses a model above the plan's tiers (403 naming the plan, the model and its tier). */
export function assertModelAllowed(plan: Plan, model: Pick<CatalogModel, 'id' | 'quality'>): void {
  const tier = modelTierOf(model.quality);
  if (!plan.entitlements.modelTiers.includes(tier))
    throw new PlanLimitReached(
      plan.id,
      'modelTiers',
      `The ${plan.name} plan allows ${plan.entitlements.modelTiers.join(' and ')} models; ${model.id} is ${tier}. Choose another model or upgrade the plan.`,
      403,
      { model: model.id, tier },
    );
}

/** The tenant's plan in force, read from its tenant item (what the doors that change settings check against). */
export async function tenantPlan(
  store: Pick<Store, 'getTenant'>,
  tenantId: string,
  source: PlanSource = planSourceFromEnv(process.env),
): Promise<Plan> {
  return planInForce(await store.getTenant(tenantId), source);
}
