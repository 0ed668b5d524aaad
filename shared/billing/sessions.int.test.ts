import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BillingTestbed, billingTestbed } from '../testing/fake-stripe';
import { ensureCustomer } from './customers';
import { PlanLimitReached } from './errors';
import { lookupKeys, PLANS } from './plans';
import { createCheckout, createPortal } from './sessions';
import { syncStripeCatalog } from './sync';
import { setOverageCap } from './views';

let bed: BillingTestbed;
beforeEach(async () => {
  bed = await billingTestbed();
});
afterEach(async () => {
  await bed.close();
});

describe('billing sync', () => {
  it('sets up a fresh account once: a second run changes nothing', async () => {
    expect(bed.fake.meters.size).toBe(1);
    expect([...bed.fake.products.keys()].sort()).toEqual([
      'techteam_business',
      'techteam_free',
      'techteam_team',
    ]);
    expect(bed.fake.prices.size).toBe(4);
    const again = await syncStripeCatalog(bed.deps.stripe);
    expect(again.every((a) => a.action === 'unchanged')).toBe(true);
    expect(bed.fake.meters.size).toBe(1);
    expect(bed.fake.prices.size).toBe(4);
  });

  it('replaces a price whose amount changed, moving its lookup key and archiving the old one', async () => {
    const team = { ...PLANS.team, monthlyPriceCents: 5900 };
    const actions = await syncStripeCatalog(bed.deps.stripe, [team]);
    expect(actions.find((a) => a.what === `price ${lookupKeys.monthly('team')}`)?.action).toBe('replaced');
    const keyed = [...bed.fake.prices.values()].filter((p) => p['lookup_key'] === lookupKeys.monthly('team'));
    expect(keyed).toHaveLength(1);
    expect(keyed[0]).toMatchObject({ unit_amount: 5900, active: true });
    const archived = [...bed.fake.prices.values()].filter((p) => p['unit_amount'] === 4900);
    expect(archived).toMatchObject([{ active: false, lookup_key: null }]);
  });
});

describe('checkout and portal', () => {
  it('makes the tenant’s Stripe customer once under ten concurrent first requests', async () => {
    const urls = await Promise.all([
      ...Array.from({ length: 5 }, () => createCheckout(bed.deps, 'acme', 'team')),
      ...Array.from({ length: 5 }, () => createPortal(bed.deps, 'acme')),
    ]);
    for (const { url } of urls) expect(url).toMatch(/^https:\/\//);
    expect(bed.fake.customers.size).toBe(1);
    const [customer] = bed.fake.customers.keys();
    expect((await bed.deps.accounts.get('acme'))?.customerId).toBe(customer);
    expect(await bed.deps.accounts.tenantOfCustomer(customer!)).toBe('acme');
    expect(await ensureCustomer(bed.deps, 'acme')).toBe(customer);
  });

  it('sells a paid plan with its monthly and overage prices, naming the tenant', async () => {
    await createCheckout(bed.deps, 'acme', 'business');
    const [session] = bed.fake.checkoutSessions.values();
    expect(session).toMatchObject({
      mode: 'subscription',
      client_reference_id: 'acme',
      subscription_data: { metadata: { tenantId: 'acme', plan: 'business' } },
    });
    const prices = (session!['line_items'] as { price: string }[]).map(
      (l) => bed.fake.prices.get(l.price)?.['lookup_key'],
    );
    expect(prices).toEqual([lookupKeys.monthly('business'), lookupKeys.overage('business')]);
  });

  it('refuses a checkout for Free or an unknown plan, naming the field', async () => {
    for (const plan of ['free', 'gold'])
      await expect(createCheckout(bed.deps, 'acme', plan)).rejects.toMatchObject({
        status: 400,
        issues: [{ path: 'plan' }],
      });
  });
});

describe('the overage cap', () => {
  it('makes the gateway’s monthly budget the plan’s credit plus the cap, and refuses a cap on Free', async () => {
    const refused = await setOverageCap(bed.deps, 'acme', 5_000_000).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PlanLimitReached);
    expect(refused).toMatchObject({ status: 403, details: { plan: 'free', limit: 'overage' } });
    await bed.deps.accounts.change('acme', { set: { plan: 'team' } });
    const status = await setOverageCap(bed.deps, 'acme', 5_000_000);
    expect(status).toMatchObject({ overageCapUsd: 5, monthlyBudgetUsd: 45 });
    expect((await bed.store.getTenant('acme'))?.monthlyBudgetMicroUsd).toBe(45_000_000);
  });
});
