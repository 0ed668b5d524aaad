import * as z from '../zod';

/** How good a model is, from the catalog's `quality` (1-5): what a plan may allow. */
export const ModelTier = z.enum(['basic', 'standard', 'premium']);
export type ModelTier = z.infer<typeof ModelTier>;

/** A catalog `quality` of 1-2 is basic, 3-4 standard, 5 premium. */
export function modelTierOf(quality: number): ModelTier {
  if (quality >= 5) return 'premium';
  return quality >= 3 ? 'standard' : 'basic';
}

export const PlanId = z.enum(['free', 'team', 'business']);
export type PlanId = z.infer<typeof PlanId>;

/** What a plan gives a tenant; enforced where it bites (task start, model choice, the gateway's monthly budget). */
export const Entitlements = z.strictObject({
  maxRunningTasks: z.int().check(z.positive()),
  /** Model spend included each calendar month (UTC), micro-USD. */
  monthlyCreditMicroUsd: z.int().check(z.nonnegative()),
  modelTiers: z.array(ModelTier).check(z.minLength(1)),
  sandboxTier: z.enum(['fargate', 'ec2-gvisor']),
  seats: z.int().check(z.positive()),
});
export type Entitlements = z.infer<typeof Entitlements>;

export const Plan = z.strictObject({
  id: PlanId,
  name: z.string(),
  /** The subscription's monthly price, in US cents (0: no subscription needed). */
  monthlyPriceCents: z.int().check(z.nonnegative()),
  /**
   * What one USD of model spend beyond the credit is billed at, in USD (1.2: 20% over cost);
   * absent: the plan allows no usage beyond its credit.
   */
  overageRate: z.optional(z.number().check(z.positive(), z.maximum(10))),
  entitlements: Entitlements,
});
export type Plan = z.infer<typeof Plan>;

const usd = (amount: number) => amount * 1_000_000;

/** The catalog. `techteam billing sync` makes Stripe agree with it. */
export const PLANS: Readonly<Record<PlanId, Plan>> = {
  free: Plan.parse({
    id: 'free',
    name: 'Free',
    monthlyPriceCents: 0,
    entitlements: {
      maxRunningTasks: 1,
      monthlyCreditMicroUsd: usd(2),
      modelTiers: ['basic', 'standard'],
      sandboxTier: 'fargate',
      seats: 1,
    },
  }),
  team: Plan.parse({
    id: 'team',
    name: 'Team',
    monthlyPriceCents: 4900,
    overageRate: 1.2,
    entitlements: {
      maxRunningTasks: 5,
      monthlyCreditMicroUsd: usd(40),
      modelTiers: ['basic', 'standard', 'premium'],
      sandboxTier: 'fargate',
      seats: 10,
    },
  }),
  business: Plan.parse({
    id: 'business',
    name: 'Business',
    monthlyPriceCents: 19900,
    overageRate: 1.1,
    entitlements: {
      maxRunningTasks: 20,
      monthlyCreditMicroUsd: usd(180),
      modelTiers: ['basic', 'standard', 'premium'],
      sandboxTier: 'ec2-gvisor',
      seats: 50,
    },
  }),
};

export function planById(id: string): Plan | undefined {
  return PlanId.safeParse(id).success ? PLANS[id as PlanId] : undefined;
}

/** Stripe lookup keys: how sync finds what it made before, and how a subscription's price names its plan. */
export const lookupKeys = {
  monthly: (plan: PlanId) => `techteam_${plan}_monthly`,
  overage: (plan: PlanId) => `techteam_${plan}_overage`,
};

/** The billing meter's event name; its value is model spend beyond the credit, in micro-USD. */
export const METER_EVENT_NAME = 'techteam_model_overage';

/**
 * The overage price per meter unit (one micro-USD of spend), in cents, as Stripe's
 * `unit_amount_decimal` (at most 12 decimals): 1 micro-USD is 0.0001 cents.
 */
export function overageUnitAmountDecimal(rate: number): string {
  return (rate / 10_000).toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * What the plan allows a tenant to spend on models a month: its credit plus the overage the
 * tenant allows (none on a plan without an overage rate). Billing's input to the monthly budget
 * the gateway enforces (shared/money/monthly-budget.ts derives that, with the tenant's own cap).
 */
export function planAllowanceMicroUsd(plan: Plan, overageCapMicroUsd: number): number {
  const overage = plan.overageRate === undefined ? 0 : Math.max(0, overageCapMicroUsd);
  return plan.entitlements.monthlyCreditMicroUsd + overage;
}
