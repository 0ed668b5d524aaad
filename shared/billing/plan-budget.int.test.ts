import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmployeeProfile } from '../domain';
import { Catalog } from '../gateway/catalog/catalog';
import { worstCaseMicroUsd } from '../gateway/catalog/cost';
import { ModelGateway } from '../gateway/gateway';
import { promptTokenBound } from '../gateway/routing/prompt-size';
import type { ModelProvider, ModelRequest } from '../gateway/types';
import { BudgetExceeded } from '../money';
import { StoreMeter } from '../store';
import { type BillingTestbed, billingTestbed, stripeEvent } from '../testing/fake-stripe';
import { ensureCustomer } from './customers';
import { monthlyBudgetWhenUnset, planSourceFromEnv } from './plan-in-force';
import { PLANS } from './plans';
import { receiveStripeWebhook } from './webhook';

let bed: BillingTestbed;
beforeEach(async () => {
  bed = await billingTestbed();
});
afterEach(async () => {
  await bed.close();
});

const catalog = Catalog.shipped();
const sonnet = catalog.get('claude-sonnet-4-6')!;
const messages = [{ role: 'user' as const, content: 'Write slugify in Python, with tests.' }];
const profile = EmployeeProfile.parse({
  id: 'dev',
  name: 'Dev',
  rolePrompt: 'x',
  allowedModels: ['claude-sonnet-4-6'],
  defaultModel: 'claude-sonnet-4-6',
});
/** Answers with as many output tokens as allowed: each call spends its whole reservation. */
const provider: ModelProvider = {
  name: 'anthropic',
  async complete(req: ModelRequest) {
    return {
      text: 'ok',
      toolCalls: [],
      stopReason: 'end',
      usage: { inputTokens: 20, outputTokens: req.maxOutputTokens, cachedInputTokens: 0 },
      provider: 'anthropic',
      model: req.model,
    };
  },
};

describe('the plan’s credit in the gateway’s budget path', () => {
  it('refuses the next model call of a Free tenant past its credit, naming the tenant budget', async () => {
    // The tenant cancelled its subscription: the webhook puts it on Free, whose credit is its whole month.
    const customer = await ensureCustomer(bed.deps, 'acme');
    const sub = bed.fake.createSubscription({
      customer,
      prices: [],
      metadata: { tenantId: 'acme' },
      status: 'canceled',
    });
    const { payload, signature } = bed.sign(
      stripeEvent('customer.subscription.deleted', sub, Math.floor(Date.now() / 1000)),
    );
    await receiveStripeWebhook(bed.deps, payload, signature);
    const credit = PLANS.free.entitlements.monthlyCreditMicroUsd;
    expect((await bed.store.getTenant('acme'))?.monthlyBudgetMicroUsd).toBe(credit);

    const task = await bed.store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: 100 });
    const gateway = new ModelGateway({
      providers: new Map([['anthropic', provider]]),
      catalog,
      meter: new StoreMeter(bed.store),
    });
    // Each call may cost a third of the credit (within the model's output limit): the fourth cannot fit.
    const perToken = worstCaseMicroUsd(promptTokenBound({ messages }), 1000, sonnet.prices) / 1000;
    const maxOutputTokens = Math.min(sonnet.maxOutputTokens, Math.floor(credit / 3 / perToken));
    const call = () =>
      gateway.complete({
        profile,
        preference: 'balanced',
        messages,
        maxOutputTokens,
        context: { tenantId: 'acme', taskId: task.id, employeeId: 'dev' },
      });
    let refused: unknown;
    let answered = 0;
    while (!refused && answered < 20) {
      refused = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!refused) answered++;
    }
    expect(answered).toBeGreaterThanOrEqual(2);
    expect(refused).toBeInstanceOf(BudgetExceeded);
    expect(refused).toMatchObject({ status: 402, scope: 'tenant' });
    expect((refused as Error).message).toMatch(/The tenant budget has \$\d+\.\d{6} left/);
    const spent = (await bed.store.listUsage('acme', task.id)).reduce((s, u) => s + u.costMicroUsd, 0);
    expect(spent).toBeLessThanOrEqual(credit);
  });

  it("holds a new hosted tenant, which billing has not written to yet, to Free's credit from its first call", async () => {
    const source = planSourceFromEnv({ TECHTEAM_MODE: 'hosted', STRIPE_SECRET_KEY: 'sk_test_x' });
    const credit = monthlyBudgetWhenUnset(source);
    expect(credit).toBe(PLANS.free.entitlements.monthlyCreditMicroUsd);
    // Billing off (no key, or deploy-your-own): no default limit.
    expect(monthlyBudgetWhenUnset(planSourceFromEnv({}))).toBeUndefined();
    expect(
      monthlyBudgetWhenUnset(planSourceFromEnv({ TECHTEAM_MODE: 'byo', STRIPE_SECRET_KEY: 'sk' })),
    ).toBeUndefined();

    expect((await bed.store.getTenant('newco'))?.monthlyBudgetMicroUsd).toBeUndefined();
    const task = await bed.store.createTask('newco', { prompt: 'p', preference: 'balanced', budgetUsd: 100 });
    const gateway = new ModelGateway({
      providers: new Map([['anthropic', provider]]),
      catalog,
      meter: new StoreMeter(bed.store, { monthlyBudgetWhenUnset: credit! }),
    });
    const perToken = worstCaseMicroUsd(promptTokenBound({ messages }), 1000, sonnet.prices) / 1000;
    const maxOutputTokens = Math.min(sonnet.maxOutputTokens, Math.floor(credit! / 3 / perToken));
    let refused: unknown;
    let answered = 0;
    while (!refused && answered < 20) {
      refused = await gateway
        .complete({
          profile,
          preference: 'balanced',
          messages,
          maxOutputTokens,
          context: { tenantId: 'newco', taskId: task.id, employeeId: 'dev' },
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      if (!refused) answered++;
    }
    expect(answered).toBeGreaterThanOrEqual(2);
    expect(refused).toMatchObject({ status: 402, scope: 'tenant' });
    const spent = (await bed.store.listUsage('newco', task.id)).reduce((s, u) => s + u.costMicroUsd, 0);
    expect(spent).toBeLessThanOrEqual(credit!);
  });
});
