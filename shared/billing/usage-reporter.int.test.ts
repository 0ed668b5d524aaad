import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MeterReports } from '../store/meter-reports';
import { type BillingTestbed, billingTestbed } from '../testing/fake-stripe';
import { ensureCustomer } from './customers';
import { PLANS } from './plans';
import { monthOf, reportUsage } from './usage-reporter';
import { billingUsage } from './views';

let bed: BillingTestbed;
beforeEach(async () => {
  bed = await billingTestbed();
});
afterEach(async () => {
  await bed.close();
});

const credit = PLANS.team.entitlements.monthlyCreditMicroUsd;

/** A tenant on Team with a task, and a way to book model spend on it as the gateway does. */
async function teamTenant(tenantId: string) {
  const customer = await ensureCustomer(bed.deps, tenantId);
  await bed.deps.accounts.change(tenantId, {
    set: { plan: 'team', subscriptionId: 'sub_x', subscriptionStatus: 'active' },
  });
  const task = await bed.store.createTask(tenantId, { prompt: 'p', preference: 'balanced' });
  const spend = (costMicroUsd: number) =>
    bed.store.recordUsage({
      tenantId,
      taskId: task.id,
      employeeId: 'dev',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      inputTokens: 10,
      outputTokens: 10,
      cachedInputTokens: 0,
      costMicroUsd,
      latencyMs: 1,
      attempts: 1,
      outcome: 'ok',
    });
  return { customer, spend };
}

describe('the usage reporter', () => {
  it('reports only the spend beyond the credit, once, and again only what is new', async () => {
    const { customer, spend } = await teamTenant('acme');
    await spend(credit - 1_000_000);
    expect((await reportUsage(bed.deps)).sent).toBe(0);
    await spend(3_000_000);
    await reportUsage(bed.deps);
    expect(bed.fake.meteredTotal(customer)).toBe(2_000_000);
    await reportUsage(bed.deps);
    expect(bed.fake.meteredTotal(customer)).toBe(2_000_000);
    await spend(500_000);
    await reportUsage(bed.deps);
    expect(bed.fake.meteredTotal(customer)).toBe(2_500_000);
    expect(new Set(bed.fake.meterEvents.map((e) => e.identifier)).size).toBe(2);
    const usage = await billingUsage(bed.deps, 'acme');
    expect(usage).toMatchObject({
      month: monthOf(bed.clock.at),
      plan: 'team',
      creditUsd: 40,
      recordedUsd: 42.5,
      overageUsd: 2.5,
      reportedUsd: 2.5,
      acknowledgedUsd: 2.5,
    });
  });

  it('bills once when the process dies between sending a meter event and recording it', async () => {
    const { customer, spend } = await teamTenant('acme');
    await spend(credit + 4_000_000);
    // The bookkeeping after Stripe answered fails, as a crash there would leave it.
    class DiesBeforeBookkeeping extends MeterReports {
      override async acknowledge(): Promise<void> {
        throw new Error('process died');
      }
    }
    const crashed = await reportUsage({ ...bed.deps, reports: new DiesBeforeBookkeeping(bed.store) });
    expect(crashed.failures).toEqual([{ tenantId: 'acme', error: 'process died' }]);
    expect(bed.fake.meteredTotal(customer)).toBe(4_000_000);
    expect(await billingUsage(bed.deps, 'acme')).toMatchObject({ reportedUsd: 4, acknowledgedUsd: 0 });
    // Recovery: the next run resends the pending report under the same identifier.
    const recovered = await reportUsage(bed.deps);
    expect(recovered.failures).toEqual([]);
    expect(bed.fake.meteredTotal(customer)).toBe(4_000_000);
    expect(bed.fake.meterEvents).toHaveLength(1);
    expect(await billingUsage(bed.deps, 'acme')).toMatchObject({ reportedUsd: 4, acknowledgedUsd: 4 });
  });

  it('bills once when the resend comes after Stripe forgot the idempotency key', async () => {
    const { customer, spend } = await teamTenant('acme');
    await spend(credit + 1_000_000);
    const reports = new MeterReports(bed.store);
    const month = monthOf(bed.clock.at);
    // A pending report whose event Stripe already has (sent under another key, e.g. days ago).
    await reports.open({
      tenantId: 'acme',
      month,
      seq: 1,
      identifier: 'techteam-acme-early',
      valueMicroUsd: 1_000_000,
    });
    await bed.deps.stripe.billing.meterEvents.create({
      event_name: 'techteam_model_overage',
      identifier: 'techteam-acme-early',
      payload: { stripe_customer_id: customer, value: '1000000' },
    });
    await reportUsage(bed.deps);
    expect(bed.fake.meteredTotal(customer)).toBe(1_000_000);
    expect(await billingUsage(bed.deps, 'acme')).toMatchObject({ acknowledgedUsd: 1 });
  });

  it('reports nothing for a plan without overage, however much was spent', async () => {
    const customer = await ensureCustomer(bed.deps, 'solo');
    const task = await bed.store.createTask('solo', { prompt: 'p', preference: 'balanced' });
    await bed.store.recordUsage({
      tenantId: 'solo',
      taskId: task.id,
      employeeId: 'dev',
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      inputTokens: 1,
      outputTokens: 1,
      cachedInputTokens: 0,
      costMicroUsd: PLANS.free.entitlements.monthlyCreditMicroUsd * 3,
      latencyMs: 1,
      attempts: 1,
      outcome: 'ok',
    });
    await reportUsage(bed.deps);
    expect(bed.fake.meteredTotal(customer)).toBe(0);
  });
});
