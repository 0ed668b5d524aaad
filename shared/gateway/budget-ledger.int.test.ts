import { describe, expect, it } from 'vitest';
import { EmployeeProfile } from '../domain';
import { BudgetExceeded } from '../money';
import { BudgetLedger, budgetLines, keys, StoreMeter } from '../store';
import { freshStore } from '../testing/dynamo';
import { Catalog } from './catalog/catalog';
import { worstCaseMicroUsd } from './catalog/cost';
import { ModelGateway } from './gateway';
import { promptTokenBound } from './routing/prompt-size';
import type { ModelProvider, ModelRequest } from './types';

const catalog = Catalog.shipped();
const sonnet = catalog.get('claude-sonnet-4-6')!;

/** Answers after a short delay, using most (not all) of the allowed output, so calls overlap. */
const provider: ModelProvider = {
  name: 'anthropic',
  async complete(req: ModelRequest) {
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    return {
      text: 'ok',
      toolCalls: [],
      stopReason: 'end',
      usage: { inputTokens: 40, outputTokens: Math.floor(req.maxOutputTokens * 0.9), cachedInputTokens: 0 },
      provider: 'anthropic',
      model: req.model,
    };
  },
};

const profile = (budgetShare = 1) =>
  EmployeeProfile.parse({
    id: 'dev',
    name: 'Dev',
    rolePrompt: 'x',
    allowedModels: ['claude-sonnet-4-6'],
    defaultModel: 'claude-sonnet-4-6',
    budgetShare,
  });

const messages = [{ role: 'user' as const, content: 'Write slugify in Python, with tests.' }];
const maxOutputTokens = 2_000;
const worstCase = worstCaseMicroUsd(promptTokenBound({ messages }), maxOutputTokens, sonnet.prices);

describe('budgets: reserve, then settle (DynamoDB Local)', () => {
  it('lets 50 concurrent calls never spend past a budget that fits 10 of them', async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'local' });
    const budgetUsd = (worstCase * 10) / 1_000_000;
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd });
    const gw = new ModelGateway({
      providers: new Map([['anthropic', provider]]),
      catalog,
      meter: new StoreMeter(store),
    });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        gw.complete({
          profile: profile(),
          preference: 'balanced',
          messages,
          maxOutputTokens,
          context: { tenantId: 'acme', taskId: task.id, employeeId: 'dev' },
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    expect(ok.length).toBeGreaterThanOrEqual(10);
    expect(ok.length + refused.length).toBe(50);
    for (const e of refused) {
      expect(e).toBeInstanceOf(BudgetExceeded);
      expect(e.scope).toBe('task');
      expect(e.remainingMicroUsd).toBeLessThan(worstCase);
      expect(e.message).toMatch(/The task budget has \$\d+\.\d{6} left/);
    }
    const usage = await store.listUsage('acme', task.id);
    const spent = usage.reduce((s, u) => s + u.costMicroUsd, 0);
    expect(usage).toHaveLength(ok.length);
    expect(spent).toBeLessThanOrEqual(task.budgetMicroUsd!);
    const after = await store.getTask('acme', task.id);
    expect(after.totals.costMicroUsd).toBe(spent);
  });

  it('lets 200 concurrent calls of an employee with a share never spend past a month that fits 10 of them', async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: worstCase * 10 });
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: 1_000 });
    const gw = new ModelGateway({
      providers: new Map([['anthropic', provider]]),
      catalog,
      meter: new StoreMeter(store),
    });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        gw.complete({
          profile: profile(0.5),
          preference: 'balanced',
          messages,
          maxOutputTokens,
          context: { tenantId: 'acme', taskId: task.id, employeeId: 'dev' },
        }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    expect(ok.length).toBeGreaterThanOrEqual(10);
    for (const e of refused) expect(e).toMatchObject({ code: 'BudgetExceeded', scope: 'tenant' });
    const spent = (await store.listUsage('acme', task.id)).reduce((s, u) => s + u.costMicroUsd, 0);
    expect(spent).toBeLessThanOrEqual(worstCase * 10);
  }, 300_000);

  it('holds an employee to its share and the tenant to its month, naming which budget ran out', async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'local', monthlyBudgetMicroUsd: worstCase * 3 });
    const big = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: 100 });
    const gw = new ModelGateway({
      providers: new Map([['anthropic', provider]]),
      catalog,
      meter: new StoreMeter(store),
    });
    const run = (budgetShare: number, taskId: string) =>
      gw.complete({
        profile: profile(budgetShare),
        preference: 'balanced',
        messages,
        maxOutputTokens,
        context: { tenantId: 'acme', taskId, employeeId: 'dev' },
      });
    // The tenant's month fits three calls whatever the task allows.
    for (let i = 0; i < 3; i++) await run(1, big.id);
    await expect(run(1, big.id)).rejects.toMatchObject({ code: 'BudgetExceeded', scope: 'tenant' });

    const store2 = await freshStore();
    await store2.putTenant({ id: 'acme', name: 'Acme', plan: 'local' });
    const small = await store2.createTask('acme', {
      prompt: 'p',
      preference: 'balanced',
      budgetUsd: (worstCase * 4) / 1_000_000,
    });
    const gw2 = new ModelGateway({
      providers: new Map([['anthropic', provider]]),
      catalog,
      meter: new StoreMeter(store2),
    });
    const half = (taskId: string) =>
      gw2.complete({
        profile: profile(0.5),
        preference: 'balanced',
        messages,
        maxOutputTokens,
        context: { tenantId: 'acme', taskId, employeeId: 'dev' },
      });
    await half(small.id);
    await half(small.id);
    const refusal = await half(small.id).catch((e) => e);
    expect(refusal).toBeInstanceOf(BudgetExceeded);
    expect(refusal.scope).toBe('employee');
  });
});

describe('budget holds of calls whose process died', () => {
  const oneCall = (worstCase * 3) / 2 / 1_000_000;
  const longAgo = () => Date.now() - 60 * 60_000;

  it('gives back a stale hold when it is what stands between a call and its budget', async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'local' });
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: oneCall });
    const lines = budgetLines(task, profile(), undefined, '2026-11');
    const taskPartition = keys.task('acme', task.id).PK;
    // A call reserved an hour ago, then its Lambda died: it will never settle.
    await new BudgetLedger(store.doc, store.tableName, longAgo).reserve(
      lines,
      worstCase,
      'claude-sonnet-4-6',
      taskPartition,
    );

    const gw = new ModelGateway({
      providers: new Map([['anthropic', provider]]),
      catalog,
      meter: new StoreMeter(store),
    });
    const res = await gw.complete({
      profile: profile(),
      preference: 'balanced',
      messages,
      maxOutputTokens,
      context: { tenantId: 'acme', taskId: task.id, employeeId: 'dev' },
    });
    const state = await new BudgetLedger(store.doc, store.tableName).state(lines[0]!);
    expect(state).toEqual({
      limitMicroUsd: task.budgetMicroUsd,
      reservedMicroUsd: 0,
      spentMicroUsd: res.costMicroUsd,
      remainingMicroUsd: task.budgetMicroUsd! - res.costMicroUsd,
      overrunMicroUsd: 0,
    });
  });

  it('books only the spend when a call settles after its hold was given back', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: oneCall });
    const lines = budgetLines(task, profile(), undefined, '2026-11');
    const taskPartition = keys.task('acme', task.id).PK;
    const stale = new BudgetLedger(store.doc, store.tableName, longAgo);
    const reservation = await stale.reserve(lines, worstCase, 'claude-sonnet-4-6', taskPartition);
    expect(await new BudgetLedger(store.doc, store.tableName).releaseStaleHolds(taskPartition)).toBe(1);
    await new StoreMeter(store).settle(
      {
        tenantId: 'acme',
        taskId: task.id,
        employeeId: 'dev',
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        inputTokens: 10,
        outputTokens: 10,
        cachedInputTokens: 0,
        costMicroUsd: 180,
        latencyMs: 1,
        attempts: 1,
        outcome: 'ok',
      },
      reservation,
    );
    const state = await stale.state(lines[0]!);
    expect(state.reservedMicroUsd).toBe(0);
    expect(state.spentMicroUsd).toBe(180);
    expect(state.remainingMicroUsd).toBe(task.budgetMicroUsd! - 180);
    expect(await store.listUsage('acme', task.id)).toHaveLength(1);
  });
});

describe('raising a task budget', () => {
  it('lets a task refused for its budget go on once raised, employee shares included', async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'local' });
    const task = await store.createTask('acme', {
      prompt: 'p',
      preference: 'balanced',
      budgetUsd: (worstCase * 4) / 1_000_000,
    });
    const gw = new ModelGateway({
      providers: new Map([['anthropic', provider]]),
      catalog,
      meter: new StoreMeter(store),
    });
    const half = () =>
      gw.complete({
        profile: profile(0.5),
        preference: 'balanced',
        messages,
        maxOutputTokens,
        context: { tenantId: 'acme', taskId: task.id, employeeId: 'dev' },
      });
    await half();
    await half();
    await expect(half()).rejects.toMatchObject({ code: 'BudgetExceeded', scope: 'employee' });

    const ledger = new BudgetLedger(store.doc, store.tableName);
    await ledger.raiseTaskBudget('acme', task.id, task.budgetMicroUsd! * 2);
    expect((await store.getTask('acme', task.id)).budgetMicroUsd).toBe(task.budgetMicroUsd! * 2);
    await half();
    await half();
    const [taskLine, devLine] = budgetLines(
      { ...task, budgetMicroUsd: task.budgetMicroUsd! * 2 },
      profile(0.5),
      undefined,
      '2026-11',
    );
    const spent = (await store.listUsage('acme', task.id)).reduce((s, u) => s + u.costMicroUsd, 0);
    expect(await ledger.state(taskLine!)).toMatchObject({
      limitMicroUsd: task.budgetMicroUsd! * 2,
      spentMicroUsd: spent,
      remainingMicroUsd: task.budgetMicroUsd! * 2 - spent,
    });
    expect(await ledger.state(devLine!)).toMatchObject({
      limitMicroUsd: Math.floor(task.budgetMicroUsd! * 2 * 0.5),
      spentMicroUsd: spent,
    });
  });

  it('refuses to lower a budget, or to give one to a task created without', async () => {
    const store = await freshStore();
    const ledger = new BudgetLedger(store.doc, store.tableName);
    const capped = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: 2 });
    await expect(ledger.raiseTaskBudget('acme', capped.id, 1_000_000)).rejects.toThrow(
      /budgetUsd: must be more than the task's budget of \$2\.00/,
    );
    const open = await store.createTask('acme', { prompt: 'p', preference: 'balanced' });
    await expect(ledger.raiseTaskBudget('acme', open.id, 5_000_000)).rejects.toMatchObject({
      code: 'InvalidInput',
      issues: [{ path: 'budgetUsd', message: 'the task has no budget' }],
    });
  });
});
