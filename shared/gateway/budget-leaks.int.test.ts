import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { EmployeeProfile } from '../domain';
import { BudgetExceeded } from '../money';
import type { Store } from '../store';
import { BudgetLedger, budgetLines, StoreMeter } from '../store';
import { freshStore } from '../testing/dynamo';
import { Catalog } from './catalog/catalog';
import { costMicroUsd, worstCaseMicroUsd } from './catalog/cost';
import { ProviderError } from './errors';
import { ModelGateway } from './gateway';
import { promptTokenBound } from './routing/prompt-size';
import type { ModelProvider, ModelRequest, ToolSpec } from './types';

/**
 * Each leak a review found in the budget, reproduced against DynamoDB Local
 * and the real ledger: the provider bills what the fakes below say it bills,
 * and the invariant is always the product's promise, spend ≤ budget.
 */

const catalog = Catalog.shipped();
const sonnet = catalog.get('claude-sonnet-4-6')!;
const messages = [{ role: 'user' as const, content: 'Write slugify in Python, with tests.' }];
const maxOutputTokens = 2_000;
/** What a plain call (no tools) can cost at most, and so what it reserves: its prompt bound and all its output. */
const fullCall = worstCaseMicroUsd(promptTokenBound({ messages }), maxOutputTokens, sonnet.prices);

const profile = (budgetShare = 1) =>
  EmployeeProfile.parse({
    id: 'dev',
    name: 'Dev',
    rolePrompt: 'x',
    allowedModels: ['claude-sonnet-4-6'],
    defaultModel: 'claude-sonnet-4-6',
    budgetShare,
  });

/** A provider that answers, billing the whole prompt bound plus `extraInput`, and `outputShare` of max output. */
function billing(opts: { extraInput?: number; outputShare?: number } = {}) {
  const bills: number[] = [];
  const provider: ModelProvider = {
    name: 'anthropic',
    async complete(req: ModelRequest) {
      const usage = {
        inputTokens: promptTokenBound(req) + (opts.extraInput ?? 0),
        outputTokens: Math.floor(req.maxOutputTokens * (opts.outputShare ?? 0.9)),
        cachedInputTokens: 0,
      };
      bills.push(costMicroUsd(usage, sonnet.prices));
      return { text: 'ok', toolCalls: [], stopReason: 'end', usage, provider: 'anthropic', model: req.model };
    },
  };
  return { provider, bills };
}

function gateway(store: Store, provider: ModelProvider, meter = new StoreMeter(store)) {
  return new ModelGateway({
    providers: new Map([['anthropic', provider]]),
    catalog,
    meter,
    sleep: async () => {},
  });
}

const call = (taskId: string, extra: Partial<Parameters<ModelGateway['complete']>[0]> = {}) => ({
  profile: profile(),
  preference: 'balanced' as const,
  messages,
  maxOutputTokens,
  context: { tenantId: 'acme', taskId, employeeId: 'dev' },
  ...extra,
});

async function spentOn(store: Store, taskId: string): Promise<number> {
  return (await store.listUsage('acme', taskId)).reduce((s, u) => s + u.costMicroUsd, 0);
}

async function taskLine(store: Store, taskId: string) {
  const task = await store.getTask('acme', taskId);
  return budgetLines(task, profile(), undefined, '2026-12')[0]!;
}

describe('a call that times out or is cancelled after the provider billed it', () => {
  it('is settled at its reservation, so retries cannot spend past the budget', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', {
      prompt: 'p',
      preference: 'balanced',
      budgetUsd: (fullCall * 2.5) / 1_000_000,
    });
    const bills: number[] = [];
    // The provider bills the whole answer, but it arrives after our timeout.
    const late: ModelProvider = {
      name: 'anthropic',
      async complete(req: ModelRequest) {
        bills.push(
          costMicroUsd(
            { inputTokens: promptTokenBound(req), outputTokens: req.maxOutputTokens, cachedInputTokens: 0 },
            sonnet.prices,
          ),
        );
        throw new ProviderError({
          provider: 'anthropic',
          model: req.model,
          kind: 'timeout',
          message: 'timed out',
        });
      },
    };
    const refusal = await gateway(store, late)
      .complete(call(task.id))
      .catch((e) => e);
    expect(refusal).toBeInstanceOf(BudgetExceeded);
    const billed = bills.reduce((s, b) => s + b, 0);
    expect(billed).toBeLessThanOrEqual(task.budgetMicroUsd!);
    // The ledger shows at least what the provider may have billed (each attempt at its reservation): no room it does not have.
    const booked = await spentOn(store, task.id);
    expect(booked).toBe(fullCall * bills.length);
    expect(booked).toBeGreaterThanOrEqual(billed);
    const state = await new BudgetLedger(store.doc, store.tableName).state(await taskLine(store, task.id));
    expect(state).toMatchObject({ reservedMicroUsd: 0, spentMicroUsd: booked });
  });

  it('books a call cancelled mid-answer at its reservation, as cancelled', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: 5 });
    const abort = new AbortController();
    const cancelled: ModelProvider = {
      name: 'anthropic',
      async complete(req: ModelRequest) {
        abort.abort();
        throw new ProviderError({
          provider: 'anthropic',
          model: req.model,
          kind: 'cancelled',
          message: 'aborted',
        });
      },
    };
    await expect(
      gateway(store, cancelled).complete(call(task.id, { signal: abort.signal })),
    ).rejects.toMatchObject({
      kind: 'cancelled',
    });
    const [usage] = await store.listUsage('acme', task.id);
    expect(usage).toMatchObject({ outcome: 'cancelled', costMicroUsd: fullCall });
  });

  it('books nothing for a call cancelled before it was sent', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: 5 });
    const abort = new AbortController();
    abort.abort();
    const provider: ModelProvider = {
      name: 'anthropic',
      async complete(req: ModelRequest) {
        throw new ProviderError({
          provider: 'anthropic',
          model: req.model,
          kind: 'cancelled',
          message: 'aborted',
        });
      },
    };
    await expect(
      gateway(store, provider).complete(call(task.id, { signal: abort.signal })),
    ).rejects.toThrow();
    expect(await store.listUsage('acme', task.id)).toEqual([]);
  });
});

describe('what a provider adds to a call, and what it bills beyond the reservation', () => {
  const tools: ToolSpec[] = [
    { name: 'write', description: 'Write a file', inputSchema: { type: 'object', properties: {} } },
  ];

  it("reserves Anthropic's tool-use system prompt, so a budget is never overrun by it", async () => {
    const store = await freshStore();
    // Anthropic bills its tool-use system prompt (346 tokens for Claude 4 models) on top of ours.
    const { provider, bills } = billing({ extraInput: 346, outputShare: 1 });
    const small = { messages: [{ role: 'user' as const, content: 'hi' }], tools, maxOutputTokens: 100 };
    const real = costMicroUsd(
      { inputTokens: promptTokenBound(small) + 346, outputTokens: 100, cachedInputTokens: 0 },
      sonnet.prices,
    );
    // Room for three real calls and most of a fourth.
    const budgetMicroUsd = real * 3 + Math.floor(real * 0.8);
    const task = await store.createTask('acme', {
      prompt: 'p',
      preference: 'balanced',
      budgetUsd: budgetMicroUsd / 1_000_000,
    });
    const gw = gateway(store, provider);
    for (let i = 0; i < 5; i++) await gw.complete(call(task.id, small)).catch((e) => e);
    expect(bills.length).toBe(3);
    expect(await spentOn(store, task.id)).toBeLessThanOrEqual(budgetMicroUsd);
  });

  it('books a bill above the reservation whole, as an overrun event, and refuses the next call', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', {
      prompt: 'p',
      preference: 'balanced',
      budgetUsd: (fullCall * 1.5) / 1_000_000,
    });
    // Output 45 % past max_tokens, as a provider that does not hold to the limit was seen to do.
    const { provider, bills } = billing({ outputShare: 1.45 });
    const gw = gateway(store, provider);
    const answer = await gw.complete(call(task.id));
    expect(answer.costMicroUsd).toBe(bills[0]);
    const events = (await store.listEvents('acme', task.id)).items.filter((e) => e.type === 'budget_overrun');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'budget_overrun',
        employee: 'dev',
        model: 'claude-sonnet-4-6',
        costMicroUsd: bills[0],
        reservedMicroUsd: fullCall,
        overrunMicroUsd: bills[0]! - fullCall,
      }),
    ]);
    const state = await new BudgetLedger(store.doc, store.tableName).state(await taskLine(store, task.id));
    expect(state).toMatchObject({
      spentMicroUsd: bills[0],
      overrunMicroUsd: bills[0]! - fullCall,
      reservedMicroUsd: 0,
    });
    // Half a call was left before the overrun; what is left now cannot hold one.
    await expect(gw.complete(call(task.id))).rejects.toBeInstanceOf(BudgetExceeded);
    expect(bills).toHaveLength(1);
  });
});

describe('a budget changed while it is being spent counts at the next reservation', () => {
  const { provider } = billing();

  it("a lowered tenant month admits no call past it, though the gateway read it before (one process's cache)", async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: fullCall * 11 });
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced' });
    const gw = gateway(store, provider);
    await gw.complete(call(task.id));
    await gw.complete(call(task.id));
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: fullCall * 3 });
    let admitted = 2;
    for (let i = 0; i < 10; i++) {
      const r = await gw.complete(call(task.id)).catch((e) => e);
      if (r instanceof BudgetExceeded) {
        expect(r.scope).toBe('tenant');
        break;
      }
      admitted++;
    }
    expect(admitted).toBe(3);
    expect(await spentOn(store, task.id)).toBeLessThanOrEqual(fullCall * 3);
  });

  it('a raised tenant month lets a tenant that ran out go on at once', async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: fullCall * 2 });
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced' });
    const gw = gateway(store, provider);
    await gw.complete(call(task.id));
    await gw.complete(call(task.id));
    await expect(gw.complete(call(task.id))).rejects.toMatchObject({ scope: 'tenant' });
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: fullCall * 4 });
    await gw.complete(call(task.id));
    await gw.complete(call(task.id));
    expect(await store.listUsage('acme', task.id)).toHaveLength(4);
  });

  it("an employee's share changed mid-task counts at its next call, though the step holds the old profile", async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', {
      prompt: 'p',
      preference: 'balanced',
      budgetUsd: (fullCall * 4) / 1_000_000,
    });
    const gw = gateway(store, provider);
    const half = profile(0.5);
    await store.putEmployee('acme', half);
    const run = () => gw.complete(call(task.id, { profile: half }));
    await run();
    await run();
    await expect(run()).rejects.toMatchObject({ scope: 'employee' });
    await store.putEmployee('acme', profile(0.75));
    await run();
    await store.putEmployee('acme', profile(0.25));
    await expect(run()).rejects.toMatchObject({ scope: 'employee' });
    expect(await store.listUsage('acme', task.id)).toHaveLength(3);
  });
});

/** Fails the first `times` usage transactions the way DynamoDB does when another transaction holds the items. */
function loseSettlesToContention(store: Store, times: number) {
  let failed = 0;
  store.doc.middlewareStack.add(
    (next) => async (args) => {
      const input = JSON.stringify((args as { input?: unknown }).input ?? {});
      if (input.includes('TransactItems') && input.includes('USAGE#') && failed < times) {
        failed++;
        throw new TransactionCanceledException({
          message:
            'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
          $metadata: {},
          CancellationReasons: [{ Code: 'TransactionConflict' }],
        });
      }
      return next(args);
    },
    { step: 'initialize', name: 'loseSettlesToContention' },
  );
  return () => failed;
}

/** Lets the first usage transaction land, then loses its answer (a timeout on the way back). */
function loseFirstSettleAnswer(store: Store) {
  let lost = 0;
  store.doc.middlewareStack.add(
    (next) => async (args) => {
      const input = JSON.stringify((args as { input?: unknown }).input ?? {});
      const result = await next(args);
      if (input.includes('TransactItems') && input.includes('USAGE#') && lost === 0) {
        lost++;
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      }
      return result;
    },
    { step: 'initialize', name: 'loseFirstSettleAnswer' },
  );
  return () => lost;
}

describe('a settle that loses to contention or loses its answer', () => {
  it('is retried until it lands, leaving no reservation behind', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: 5 });
    const failures = loseSettlesToContention(store, 20);
    const { provider, bills } = billing();
    const answer = await gateway(store, provider).complete(call(task.id));
    expect(failures()).toBe(20);
    expect(answer.costMicroUsd).toBe(bills[0]);
    const state = await new BudgetLedger(store.doc, store.tableName).state(await taskLine(store, task.id));
    expect(state).toMatchObject({ reservedMicroUsd: 0, spentMicroUsd: bills[0] });
    expect(await store.listUsage('acme', task.id)).toHaveLength(1);
  });

  it('is booked once when an attempt landed but its answer was lost', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', { prompt: 'p', preference: 'balanced', budgetUsd: 5 });
    const lost = loseFirstSettleAnswer(store);
    const { provider, bills } = billing();
    const answer = await gateway(store, provider).complete(call(task.id));
    expect(lost()).toBe(1);
    expect(answer.costMicroUsd).toBe(bills[0]);
    expect(await store.listUsage('acme', task.id)).toHaveLength(1);
    const state = await new BudgetLedger(store.doc, store.tableName).state(await taskLine(store, task.id));
    expect(state).toMatchObject({ reservedMicroUsd: 0, spentMicroUsd: bills[0] });
    expect((await store.getTask('acme', task.id)).totals.costMicroUsd).toBe(bills[0]);
  });
});
