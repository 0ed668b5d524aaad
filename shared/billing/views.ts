import { effectiveMonthlyBudgetMicroUsd } from '../money';
import type { Store } from '../store';
import type { BillingAccount } from '../store/billing-accounts';
import { BillingAccounts } from '../store/billing-accounts';
import { MeterReports } from '../store/meter-reports';
import type { BillingSettings } from './config';
import type { BillingDeps } from './deps';
import { effectivePlan } from './entitlements';
import { PlanLimitReached } from './errors';
import { PLANS, planAllowanceMicroUsd } from './plans';
import { monthOf, monthOverage } from './usage-reporter';

const usd = (micro: number) => micro / 1_000_000;

/** `GET /v1/billing`: the plan, what it allows, the subscription, and whether billing is on (and why not). */
export async function billingStatus(
  deps: { store: Store; settings: BillingSettings; now: () => Date },
  tenantId: string,
) {
  const account: BillingAccount | undefined = deps.settings.enabled
    ? await new BillingAccounts(deps.store).get(tenantId)
    : undefined;
  const now = deps.now();
  const plan = effectivePlan(account, deps.settings, now);
  const month = monthOf(now);
  const [tenant, spent] = await Promise.all([
    deps.store.getTenant(tenantId),
    new MeterReports(deps.store).recordedSpendMicroUsd(tenantId, month),
  ]);
  const allowance = deps.settings.enabled
    ? planAllowanceMicroUsd(plan, account?.overageCapMicroUsd ?? 0)
    : undefined;
  const budget = effectiveMonthlyBudgetMicroUsd({
    planAllowanceMicroUsd: allowance,
    spendCapMicroUsd: tenant?.spendCapMicroUsd,
  });
  return {
    enabled: deps.settings.enabled,
    ...(deps.settings.offReason ? { offReason: deps.settings.offReason } : {}),
    plan: {
      id: plan.id,
      name: plan.name,
      monthlyPriceUsd: plan.monthlyPriceCents / 100,
      overageRate: plan.overageRate ?? null,
    },
    entitlements: { ...plan.entitlements, monthlyCreditUsd: usd(plan.entitlements.monthlyCreditMicroUsd) },
    overageCapUsd: usd(account?.overageCapMicroUsd ?? 0),
    /** What the plan allows a month (credit + overage cap); null with billing off. */
    planAllowanceUsd: allowance === undefined ? null : usd(allowance),
    /** The tenant's own cap (`PUT /v1/settings`); null when it has none. */
    spendCapUsd: tenant?.spendCapMicroUsd === undefined ? null : usd(tenant.spendCapMicroUsd),
    /** The budget the gateway enforces: the lesser of the two; null when neither is set. */
    monthlyBudgetUsd: budget === undefined ? null : usd(budget),
    /** This calendar month (UTC): model spend recorded so far, against the plan's credit. */
    usage: { month, spentUsd: usd(spent), creditUsd: usd(plan.entitlements.monthlyCreditMicroUsd) },
    subscription: account?.subscriptionId
      ? { id: account.subscriptionId, status: account.subscriptionStatus ?? null }
      : null,
    hasCustomer: account?.customerId !== undefined,
    paymentFailedAt: account?.paymentFailedAt ?? null,
    graceUntil: account?.graceUntil ?? null,
    plans: Object.values(PLANS).map((p) => ({
      id: p.id,
      name: p.name,
      monthlyPriceUsd: p.monthlyPriceCents / 100,
      overageRate: p.overageRate ?? null,
      monthlyCreditUsd: usd(p.entitlements.monthlyCreditMicroUsd),
      maxRunningTasks: p.entitlements.maxRunningTasks,
      modelTiers: p.entitlements.modelTiers,
      seats: p.entitlements.seats,
    })),
  };
}

/**
 * `GET /v1/billing/usage`: the month's spend as recorded (usage records), the overage
 * beyond the credit, what of it was reported to Stripe, and what Stripe acknowledged.
 */
export async function billingUsage(deps: BillingDeps, tenantId: string, month = monthOf(deps.now())) {
  const account = (await deps.accounts.get(tenantId)) ?? {
    tenantId,
    plan: 'free',
    overageCapMicroUsd: 0,
    updatedAt: '',
  };
  const { plan, recorded, overage, reports } = await monthOverage(deps, account, month, deps.now());
  const sum = (list: typeof reports) => usd(list.reduce((s, r) => s + r.valueMicroUsd, 0));
  return {
    month,
    plan: plan.id,
    creditUsd: usd(plan.entitlements.monthlyCreditMicroUsd),
    recordedUsd: usd(recorded),
    overageUsd: usd(overage),
    reportedUsd: sum(reports),
    acknowledgedUsd: sum(reports.filter((r) => r.status === 'acknowledged')),
    reports: reports.map((r) => ({
      identifier: r.identifier,
      valueUsd: usd(r.valueMicroUsd),
      status: r.status,
      createdAt: r.createdAt,
      acknowledgedAt: r.acknowledgedAt ?? null,
    })),
  };
}

/** `GET /v1/billing/invoices`: the tenant's invoices, from Stripe. */
export async function billingInvoices(deps: BillingDeps, tenantId: string) {
  const account = await deps.accounts.get(tenantId);
  if (!account?.customerId) return [];
  const invoices = await deps.stripe.invoices.list({ customer: account.customerId, limit: 24 });
  return invoices.data.map((i) => ({
    id: i.id,
    number: i.number ?? null,
    status: i.status ?? null,
    amountDueUsd: (i.amount_due ?? 0) / 100,
    amountPaidUsd: (i.amount_paid ?? 0) / 100,
    created: new Date(i.created * 1000).toISOString(),
    hostedInvoiceUrl: i.hosted_invoice_url ?? null,
  }));
}

/**
 * `PUT /v1/billing/overage`: how much beyond the plan's credit the tenant allows each
 * month. The gateway's monthly budget becomes credit + cap in the same write.
 */
export async function setOverageCap(deps: BillingDeps, tenantId: string, capMicroUsd: number) {
  const account = await deps.accounts.get(tenantId);
  const plan = effectivePlan(account, deps.settings, deps.now());
  if (plan.overageRate === undefined && capMicroUsd > 0)
    throw new PlanLimitReached(
      plan.id,
      'overage',
      `The ${plan.name} plan has no usage beyond its ${usd(plan.entitlements.monthlyCreditMicroUsd)} USD monthly credit; upgrade to allow overage.`,
    );
  await deps.accounts.change(tenantId, {
    set: { overageCapMicroUsd: capMicroUsd },
    tenant: { plan: plan.id, planAllowanceMicroUsd: planAllowanceMicroUsd(plan, capMicroUsd) },
  });
  return billingStatus(deps, tenantId);
}
