import { type Deps, useDeps } from '@techteam/shared/deps';
import { Catalog } from '@techteam/shared/gateway/catalog';
import type { Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { callDoor, doorEvent } from '../testing/door-event';
import { handler as createTask } from './create-task';
import { handler as putEmployee } from './put-employee';
import { handler as putModel } from './put-model';
import { handler as resumeTask } from './resume-task';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
  const catalog = Catalog.shipped();
  useDeps({
    store,
    directory: { catalogFor: async () => catalog, forgetTenantCatalog: async () => {} },
  } as unknown as Deps);
});
afterAll(() => useDeps(undefined));
afterEach(() => vi.unstubAllEnvs());

const error = (res: { body?: string }) => JSON.parse(res.body!).error;
const dev = (models: string[]) => ({
  name: 'Dev',
  rolePrompt: 'You write code.',
  allowedModels: models,
  defaultModel: models[0],
});

describe("the plan's running-task cap", () => {
  it('refuses a new task and a resume beyond it with 429 naming the plan (billing off: TECHTEAM_PLAN_WHEN_BILLING_OFF)', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', '');
    vi.stubEnv('TECHTEAM_PLAN_WHEN_BILLING_OFF', 'free');
    const tenantId = 'capped';
    const first = await store.createTask(tenantId, { prompt: 'first', preference: 'balanced' });
    const refused = await callDoor(
      createTask,
      doorEvent('CreateTask', { tenantId, body: { prompt: 'second' } }),
    );
    expect(refused.statusCode).toBe(429);
    expect(error(refused)).toMatchObject({
      code: 'RateLimited',
      details: { limit: 'running_tasks', allowed: 1, plan: 'Free' },
    });
    expect(error(refused).message).toMatch(/Free plan runs at most 1 task/);

    const resumed = await callDoor(
      resumeTask,
      doorEvent('ResumeTask', { tenantId, path: { id: first.id }, body: {} }),
    );
    expect(resumed.statusCode).toBe(429);
    expect(error(resumed).details).toMatchObject({ plan: 'Free', allowed: 1 });
  });

  it('follows the plan billing recorded on the tenant when billing is on', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_x');
    const tenantId = 'teamed';
    await store.putTenant({ id: tenantId, name: 'Teamed', plan: 'team' });
    for (let i = 0; i < 5; i++) await store.createTask(tenantId, { prompt: `t${i}`, preference: 'balanced' });
    const refused = await callDoor(
      createTask,
      doorEvent('CreateTask', { tenantId, body: { prompt: 'sixth' } }),
    );
    expect(error(refused).details).toMatchObject({ plan: 'Team', allowed: 5 });
  });
});

describe("the plan's model tiers in settings", () => {
  it('refuses an employee naming a premium model on Free with 403 naming the plan, the model and its tier', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', '');
    vi.stubEnv('TECHTEAM_PLAN_WHEN_BILLING_OFF', 'free');
    const refused = await callDoor(
      putEmployee,
      doorEvent('PutEmployee', {
        tenantId: 'free1',
        path: { id: 'dev' },
        body: dev(['gpt-4.1', 'claude-opus-4-1']),
      }),
    );
    expect(refused.statusCode).toBe(403);
    expect(error(refused)).toMatchObject({
      code: 'PlanLimitReached',
      details: { plan: 'free', limit: 'modelTiers', model: 'claude-opus-4-1', tier: 'premium' },
    });

    const allowed = await callDoor(
      putEmployee,
      doorEvent('PutEmployee', { tenantId: 'free1', path: { id: 'dev' }, body: dev(['gpt-4.1']) }),
    );
    expect(allowed.statusCode).toBe(200);
  });

  it('refuses a tenant model of a tier the plan does not allow, and allows it on Team', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', '');
    vi.stubEnv('TECHTEAM_PLAN_WHEN_BILLING_OFF', 'free');
    const body = {
      provider: 'openai',
      providerModelId: 'my-best',
      contextWindow: 128_000,
      maxOutputTokens: 16_000,
      quality: 5,
      prices: { input: '1.00', output: '2.00', cachedInput: '0.50' },
    };
    const refused = await callDoor(
      putModel,
      doorEvent('PutModel', { tenantId: 'free2', path: { id: 'my-best' }, body }),
    );
    expect(refused.statusCode).toBe(403);
    expect(error(refused).details).toMatchObject({ plan: 'free', model: 'my-best', tier: 'premium' });

    vi.stubEnv('TECHTEAM_PLAN_WHEN_BILLING_OFF', 'team');
    const ok = await callDoor(
      putModel,
      doorEvent('PutModel', { tenantId: 'free2', path: { id: 'my-best' }, body }),
    );
    expect(ok.statusCode).toBe(200);
  });
});
