import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmployeeProfile } from '../domain';
import { MemoryMeter } from '../money';
import {
  anthropicReplies,
  type FakeAnthropicReply,
  startFakeAnthropic,
} from '../testing/fake-anthropic-server';
import { startFakeOpenAI } from '../testing/fake-openai-server';
import { type TaskStateName, TRANSIENT_ERRORS } from '../workflow/definition';
import { LocalWorkflowEngine, type TaskStateHandler } from '../workflow/engines/local-engine';
import { Catalog } from './catalog/catalog';
import { ModelGateway } from './gateway';
import { AnthropicProvider } from './providers/anthropic';
import { OpenAIProvider } from './providers/openai';
import { Cooldowns } from './routing/cooldowns';
import type { ModelProvider } from './types';

/**
 * Providers that fail for a while, through the real SDKs against the fake servers: a task
 * whose only provider fails half its calls (run by the real workflow definition in the local
 * ASL interpreter), and 503s that say when to come back. The gateway's clock is a fake one
 * that its waits move on: no test waits real seconds.
 */

let server: Awaited<ReturnType<typeof startFakeAnthropic>>;
let openai: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  [server, openai] = await Promise.all([startFakeAnthropic(), startFakeOpenAI()]);
});
afterEach(() => {
  server.clear();
  openai.clear();
});
afterAll(async () => {
  await Promise.all([server.close(), openai.close()]);
});

const profile = EmployeeProfile.parse({
  id: 'dev',
  name: 'Dev',
  rolePrompt: 'You write code.',
  allowedModels: ['claude-haiku-4-5'],
  defaultModel: 'claude-haiku-4-5',
  fallbacks: [],
});

/** Each call fails with a 500 or answers, by a seeded coin (a 32-bit LCG): the same "random" every run. */
function halfFailing(count: number, seed: number): FakeAnthropicReply[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state >>> 31 ? anthropicReplies.serverError(500) : anthropicReplies.text('done');
  });
}

function flakyTeam(employee = profile) {
  let clock = Date.parse('2026-12-01T00:00:00Z');
  const now = () => clock;
  const waits: number[] = [];
  const gateway = new ModelGateway({
    providers: new Map<string, ModelProvider>([
      ['anthropic', new AnthropicProvider({ apiKey: 'sk-ant-test', baseURL: server.url })],
      ['openai', new OpenAIProvider({ apiKey: 'sk-openai-test', baseURL: openai.url })],
    ]),
    catalog: Catalog.shipped(),
    meter: new MemoryMeter(),
    cooldowns: new Cooldowns(now),
    now,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    policy: { timeoutMs: 2_000 },
  });
  const ask = (deadline?: number) =>
    gateway.complete({
      profile: employee,
      preference: 'balanced',
      messages: [{ role: 'user', content: 'Next change.' }],
      maxOutputTokens: 200,
      context: { tenantId: 'acme', taskId: 'tsk_flaky', employeeId: 'dev' },
      ...(deadline !== undefined ? { deadline } : {}),
    });
  const pass = (ms: number) => {
    clock += ms;
  };
  return { ask, waits, now, pass };
}

/** Runs the workflow with one step whose employee turn is `runEmployee`; says how the task ended. */
async function runTask(runEmployee: TaskStateHandler): Promise<{ ended: string[]; failure?: unknown }> {
  const ended: string[] = [];
  let failure: unknown;
  const record =
    (name: string, output: unknown = {}): TaskStateHandler =>
    async (input) => {
      ended.push(name);
      if (name === 'MarkTaskFailed') failure = (input as { error?: unknown }).error;
      return output;
    };
  const handlers = {
    PlanTask: record('PlanTask', { needsApproval: false }),
    RequestApproval: record('RequestApproval'),
    StartRun: record('StartRun', { waves: [['step-1']] }),
    StartStep: record('StartStep', { done: false, loop: 'employee' }),
    RunEmployee: runEmployee,
    DevAttempt: record('DevAttempt'),
    QAReview: record('QAReview'),
    RejectStep: record('RejectStep'),
    Replan: record('Replan', { replanned: false }),
    Synthesize: record('Synthesize'),
    FinalizeTask: record('FinalizeTask'),
    MarkTaskFailed: record('MarkTaskFailed'),
  } satisfies Record<TaskStateName, TaskStateHandler>;
  const engine = new LocalWorkflowEngine(handlers, { retryIntervalMs: 0 });
  await engine.start({ tenantId: 'acme', taskId: 'tsk_flaky' });
  await engine.idle();
  return { ended, ...(failure !== undefined ? { failure } : {}) };
}

describe('a provider failing half its calls', () => {
  it('a 60-call task on it finishes: cooling down is waited out, not failed', async () => {
    const script = halfFailing(400, 11);
    expect(script.filter((r) => r.kind === 'error').length / script.length).toBeCloseTo(0.5, 1);
    server.enqueue(...script);
    const { ask, waits } = flakyTeam();
    const answers: string[] = [];
    // The employee's conversation lives in the store, so a retried turn goes on where it stopped.
    const { ended, failure } = await runTask(async () => {
      while (answers.length < 60) answers.push((await ask()).text);
      return {};
    });
    expect(failure).toBeUndefined();
    expect(ended).toContain('FinalizeTask');
    expect(answers).toHaveLength(60);
    // The model did cool down (three 500s in a row) and the gateway waited the 30 s out.
    expect(waits.filter((ms) => ms >= 25_000).length).toBeGreaterThan(0);
  });

  it('a turn whose deadline comes before the model is free again is retried by the workflow, and then answers', async () => {
    server.enqueue(
      anthropicReplies.serverError(500),
      anthropicReplies.serverError(500),
      anthropicReplies.serverError(500),
    );
    const { ask, now } = flakyTeam();
    const turns: string[] = [];
    const { ended, failure } = await runTask(async () => {
      // The first invocation has 5 s left; the retry is a fresh invocation with its full time.
      const deadline = now() + (turns.length === 0 ? 5_000 : 14 * 60_000);
      try {
        turns.push((await ask(deadline)).text);
      } catch (e) {
        turns.push((e as Error).name);
        throw e;
      }
      return {};
    });
    expect(turns).toEqual(['ModelsCoolingDown', 'ok']);
    expect(failure).toBeUndefined();
    expect(ended).toContain('FinalizeTask');
  });
});

describe('a 503 that says when to come back', () => {
  const both = EmployeeProfile.parse({
    ...profile,
    allowedModels: ['claude-haiku-4-5', 'gpt-4.1'],
    fallbacks: ['gpt-4.1'],
  });

  it('is retried after its Retry-After, not after the usual backoff', async () => {
    server.enqueue(anthropicReplies.unavailable('7'));
    const { ask, waits } = flakyTeam();
    const answer = await ask();
    expect(answer).toMatchObject({ text: 'ok', model: 'claude-haiku-4-5', attempts: 2 });
    expect(waits).toEqual([7_000]);
  });

  it('is retried after its Retry-After given as an HTTP date', async () => {
    // The date is read against the real clock; a second of slack for its whole-second rounding.
    server.enqueue(anthropicReplies.unavailable(new Date(Date.now() + 15_000).toUTCString()));
    const { ask, waits } = flakyTeam();
    expect((await ask()).attempts).toBe(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(13_000);
    expect(waits[0]).toBeLessThanOrEqual(15_000);
  });

  it('longer than the call may wait, cools the model down for that long and falls back', async () => {
    server.enqueue(anthropicReplies.unavailable('120'));
    const { ask, waits, pass } = flakyTeam(both);
    expect((await ask()).model).toBe('gpt-4.1');
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    pass(90_000); // past the usual 30 s cooldown, within the 120 s the provider asked for
    expect((await ask()).model).toBe('gpt-4.1');
    expect(server.requests).toHaveLength(1);
    pass(31_000);
    expect((await ask()).model).toBe('claude-haiku-4-5');
    expect(server.requests).toHaveLength(2);
  });

  it('longer than the step has left, with no other model, is a ModelsCoolingDown the workflow retries', async () => {
    server.enqueue(anthropicReplies.unavailable('300'));
    const { ask, waits, now } = flakyTeam();
    const error = await ask(now() + 60_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ModelsCoolingDown', retryInMs: 300_000 });
    expect(TRANSIENT_ERRORS).toContain((error as Error).name);
    expect(server.requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});
