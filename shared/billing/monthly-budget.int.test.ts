import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { effectiveMonthlyBudgetMicroUsd } from '../money';
import { updateSettings } from '../settings';
import { updateTenantSettings } from '../store';
import { freshStore } from '../testing/dynamo';
import { type BillingTestbed, billingTestbed, stripeEvent } from '../testing/fake-stripe';
import { ensureCustomer } from './customers';
import { lookupKeys, PLANS } from './plans';
import { catalogPrices } from './sync';
import { billingStatus, setOverageCap } from './views';
import { receiveStripeWebhook } from './webhook';

let bed: BillingTestbed;
beforeEach(async () => {
  bed = await billingTestbed();
});
afterEach(async () => {
  await bed.close();
});

const usd = (n: number) => n * 1_000_000;
const seconds = () => Math.floor(Date.now() / 1000);
const tenant = async () => (await bed.store.getTenant('acme'))!;

/** Moves the tenant to a plan (or to Free, cancelled) through the webhook, as Stripe would. */
async function planChange(plan: 'team' | 'business' | 'free') {
  const customer = await ensureCustomer(bed.deps, 'acme');
  const keys = plan === 'free' ? [] : [lookupKeys.monthly(plan), lookupKeys.overage(plan)];
  const prices = await catalogPrices(bed.deps.stripe, keys);
  const sub = bed.fake.createSubscription({
    customer,
    prices: keys.map((k) => prices.get(k)!.id),
    metadata: { tenantId: 'acme', ...(plan === 'free' ? {} : { plan }) },
    ...(plan === 'free' ? { status: 'canceled' } : {}),
  });
  const { payload, signature } = bed.sign(
    stripeEvent(
      plan === 'free' ? 'customer.subscription.deleted' : 'customer.subscription.updated',
      sub,
      seconds(),
    ),
  );
  await receiveStripeWebhook(bed.deps, payload, signature);
}

describe('the monthly budget: one value derived from the plan and the tenant’s own cap', () => {
  it('keeps the tenant’s cap through a plan change mid-month, enforcing the lesser', async () => {
    await updateSettings(bed.store, 'acme', { monthlyBudgetUsd: 30 });
    expect((await tenant()).monthlyBudgetMicroUsd).toBe(usd(30));

    await planChange('team');
    expect(await tenant()).toMatchObject({
      plan: 'team',
      spendCapMicroUsd: usd(30),
      planAllowanceMicroUsd: PLANS.team.entitlements.monthlyCreditMicroUsd,
      monthlyBudgetMicroUsd: usd(30),
    });

    await planChange('free');
    expect(await tenant()).toMatchObject({
      plan: 'free',
      spendCapMicroUsd: usd(30),
      monthlyBudgetMicroUsd: usd(2),
    });
  });

  it('keeps the plan and its allowance through a settings change, and the cap through an overage change', async () => {
    await planChange('team');
    await setOverageCap(bed.deps, 'acme', usd(50));
    expect((await tenant()).monthlyBudgetMicroUsd).toBe(usd(90));

    const view = await updateSettings(bed.store, 'acme', { monthlyBudgetUsd: 10, approvalThresholdUsd: 1 });
    expect(view).toMatchObject({
      monthlyBudgetUsd: 10,
      effectiveMonthlyBudgetUsd: 10,
      approvalThresholdUsd: 1,
    });
    expect(await tenant()).toMatchObject({ plan: 'team', planAllowanceMicroUsd: usd(90) });

    await setOverageCap(bed.deps, 'acme', usd(20));
    expect(await tenant()).toMatchObject({ spendCapMicroUsd: usd(10), monthlyBudgetMicroUsd: usd(10) });

    await updateSettings(bed.store, 'acme', { monthlyBudgetUsd: null });
    expect((await tenant()).monthlyBudgetMicroUsd).toBe(usd(60));
    const status = await billingStatus(bed.deps, 'acme');
    expect(status).toMatchObject({ planAllowanceUsd: 60, spendCapUsd: null, monthlyBudgetUsd: 60 });
    expect(status.usage).toMatchObject({ spentUsd: 0, creditUsd: 40 });
  });

  it('ends on the budget its inputs imply when settings and overage changes race', async () => {
    await planChange('team');
    for (let round = 0; round < 4; round++) {
      await Promise.all([
        setOverageCap(bed.deps, 'acme', usd(10 + round * 7)),
        updateSettings(bed.store, 'acme', { monthlyBudgetUsd: 45 + round }),
        setOverageCap(bed.deps, 'acme', usd(3 + round)),
        updateSettings(bed.store, 'acme', { monthlyBudgetUsd: 41 + round * 2 }),
      ]);
      const t = await tenant();
      expect(t.monthlyBudgetMicroUsd).toBe(
        effectiveMonthlyBudgetMicroUsd({
          planAllowanceMicroUsd: t.planAllowanceMicroUsd,
          spendCapMicroUsd: t.spendCapMicroUsd,
        }),
      );
    }
  });
});

describe('the monthly budget with billing off', () => {
  it('is the tenant’s own cap, and none when it clears it', async () => {
    const store = await freshStore();
    await updateTenantSettings(store, 'local', { spendCapMicroUsd: usd(25) });
    expect(await store.getTenant('local')).toMatchObject({ plan: 'local', monthlyBudgetMicroUsd: usd(25) });
    await updateTenantSettings(store, 'local', { heliconeCache: true });
    expect((await store.getTenant('local'))?.monthlyBudgetMicroUsd).toBe(usd(25));
    await updateTenantSettings(store, 'local', { spendCapMicroUsd: null });
    expect((await store.getTenant('local'))?.monthlyBudgetMicroUsd).toBeUndefined();
  });
});
