import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BillingAccounts } from '../store/billing-accounts';
import { type BillingTestbed, billingTestbed, stripeEvent } from '../testing/fake-stripe';
import { ensureCustomer } from './customers';
import { WebhookSignatureInvalid } from './errors';
import { lookupKeys, PLANS, planAllowanceMicroUsd } from './plans';
import { catalogPrices } from './sync';
import { reportUsage } from './usage-reporter';
import { receiveStripeWebhook } from './webhook';

let bed: BillingTestbed;
beforeEach(async () => {
  bed = await billingTestbed();
});
afterEach(async () => {
  await bed.close();
});

const seconds = () => Math.floor(Date.now() / 1000);

async function subscribe(tenantId: string, plan: 'team' | 'business') {
  const customer = await ensureCustomer(bed.deps, tenantId);
  const keys = [lookupKeys.monthly(plan), lookupKeys.overage(plan)];
  const prices = await catalogPrices(bed.deps.stripe, keys);
  const sub = bed.fake.createSubscription({
    customer,
    prices: keys.map((k) => prices.get(k)!.id),
    metadata: { tenantId, plan },
  });
  return { customer, sub };
}

async function deliver(event: object) {
  const { payload, signature } = bed.sign(event);
  return receiveStripeWebhook(bed.deps, payload, signature);
}

const tenantBudget = async (tenantId: string) => (await bed.store.getTenant(tenantId))?.monthlyBudgetMicroUsd;

describe('the Stripe webhook', () => {
  it('refuses a bad or missing signature with 400 and applies nothing', async () => {
    const { sub } = await subscribe('acme', 'team');
    const event = stripeEvent('customer.subscription.created', sub, seconds());
    const { payload, signature } = bed.sign(event);
    const forged = signature.replace(/v1=[0-9a-f]+/, `v1=${'0'.repeat(64)}`);
    for (const header of [forged, undefined, 't=1,v1=abc']) {
      const refused = await receiveStripeWebhook(bed.deps, payload, header).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WebhookSignatureInvalid);
      expect(refused).toMatchObject({ status: 400 });
    }
    // A body changed after signing does not verify either.
    const tampered = payload.replace('"team"', '"business"');
    await expect(receiveStripeWebhook(bed.deps, tampered, signature)).rejects.toBeInstanceOf(
      WebhookSignatureInvalid,
    );
    expect((await bed.deps.accounts.get('acme'))?.plan ?? 'free').toBe('free');
    expect(await tenantBudget('acme')).toBeUndefined();
  });

  it('applies the same event delivered twice and five times at once exactly once', async () => {
    const { sub } = await subscribe('acme', 'team');
    const event = stripeEvent('customer.subscription.created', sub, seconds());
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => deliver(event)));
    outcomes.push(await deliver(event));
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(5);
    const account = await bed.deps.accounts.get('acme');
    expect(account).toMatchObject({ plan: 'team', subscriptionId: sub['id'], subscriptionStatus: 'active' });
    expect(await tenantBudget('acme')).toBe(PLANS.team.entitlements.monthlyCreditMicroUsd);
  });

  it('ends in Stripe’s current state when a cancellation arrives before the older update', async () => {
    const { sub } = await subscribe('acme', 'business');
    const t = seconds();
    await deliver(
      stripeEvent(
        'checkout.session.completed',
        {
          object: 'checkout.session',
          id: 'cs_1',
          client_reference_id: 'acme',
          subscription: sub['id'],
          customer: sub['customer'],
        },
        t,
      ),
    );
    expect((await bed.deps.accounts.get('acme'))?.plan).toBe('business');
    const updated = stripeEvent('customer.subscription.updated', sub, t + 10);
    bed.fake.subscriptions.get(sub['id'] as string)!['status'] = 'canceled';
    const deleted = stripeEvent('customer.subscription.deleted', { ...sub, status: 'canceled' }, t + 20);
    // Delivered newest first, then the older update, then the cancellation again.
    expect((await deliver(deleted)).outcome).toBe('applied');
    expect((await deliver(updated)).outcome).toBe('stale');
    expect((await deliver(deleted)).outcome).toBe('duplicate');
    expect(await bed.deps.accounts.get('acme')).toMatchObject({
      plan: 'free',
      subscriptionStatus: 'canceled',
    });
    expect(await tenantBudget('acme')).toBe(PLANS.free.entitlements.monthlyCreditMicroUsd);
  });

  it('takes an upgrade from Stripe even when the events arrive in reverse order', async () => {
    const { sub } = await subscribe('acme', 'team');
    const t = seconds();
    const created = stripeEvent('customer.subscription.created', sub, t);
    // The tenant upgrades: Stripe's subscription now carries Business's prices.
    const prices = await catalogPrices(bed.deps.stripe, [
      lookupKeys.monthly('business'),
      lookupKeys.overage('business'),
    ]);
    const stored = bed.fake.subscriptions.get(sub['id'] as string)!;
    stored['items'] = { data: [...prices.values()].map((p) => ({ id: `si_${p.id}`, price: p.id })) };
    const upgraded = stripeEvent('customer.subscription.updated', { ...sub }, t + 5);
    const outcomes = await Promise.all([deliver(upgraded), deliver(created)]);
    expect(outcomes.map((o) => o.outcome)).toContain('applied');
    for (const o of outcomes) expect(['applied', 'stale']).toContain(o.outcome);
    expect((await bed.deps.accounts.get('acme'))?.plan).toBe('business');
    expect(await tenantBudget('acme')).toBe(PLANS.business.entitlements.monthlyCreditMicroUsd);
  });

  it('keeps the plan through the grace period after a failed payment, then falls back to Free', async () => {
    const { sub, customer } = await subscribe('acme', 'team');
    const t = seconds();
    await deliver(stripeEvent('customer.subscription.created', sub, t));
    const task = await bed.store.createTask('acme', { prompt: 'p', preference: 'balanced' });
    const invoice = { object: 'invoice', id: 'in_1', customer, subscription: sub['id'] };
    expect((await deliver(stripeEvent('invoice.payment_failed', invoice, t + 1))).outcome).toBe('applied');
    const inGrace = await bed.deps.accounts.get('acme');
    expect(inGrace).toMatchObject({ plan: 'team' });
    expect(inGrace?.graceUntil).toBe(
      new Date(bed.clock.at.getTime() + bed.deps.settings.graceDays * 86_400_000).toISOString(),
    );
    // A day before it ends, the sweep leaves the plan alone.
    bed.clock.at = new Date(Date.parse(inGrace!.graceUntil!) - 86_400_000);
    expect((await reportUsage(bed.deps)).fellBackToFree).toEqual([]);
    bed.clock.at = new Date(Date.parse(inGrace!.graceUntil!) + 1000);
    expect((await reportUsage(bed.deps)).fellBackToFree).toEqual(['acme']);
    expect((await bed.deps.accounts.get('acme'))?.plan).toBe('free');
    expect(await tenantBudget('acme')).toBe(planAllowanceMicroUsd(PLANS.free, 0));
    // The task that was running is left to finish.
    expect((await bed.store.getTask('acme', task.id)).status).toBe(task.status);
    // Paying the invoice gives the plan back.
    await deliver(stripeEvent('invoice.paid', invoice, t + 2));
    const paid = await bed.deps.accounts.get('acme');
    expect(paid).toMatchObject({ plan: 'team' });
    expect(paid?.graceUntil).toBeUndefined();
    expect(await tenantBudget('acme')).toBe(PLANS.team.entitlements.monthlyCreditMicroUsd);
  });

  it('ignores a payment failure that is older than the payment that settled it', async () => {
    const { sub, customer } = await subscribe('acme', 'team');
    const t = seconds();
    await deliver(stripeEvent('customer.subscription.created', sub, t));
    const invoice = { object: 'invoice', id: 'in_2', customer };
    await deliver(stripeEvent('invoice.paid', invoice, t + 20));
    expect((await deliver(stripeEvent('invoice.payment_failed', invoice, t + 10))).outcome).toBe('stale');
    expect((await new BillingAccounts(bed.store).get('acme'))?.graceUntil).toBeUndefined();
  });
});
