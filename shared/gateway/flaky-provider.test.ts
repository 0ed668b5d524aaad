import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmployeeProfile } from '../domain';
import {
  anthropicReplies,
  type FakeAnthropicReply,
  startFakeAnthropic,
} from '../testing/fake-anthropic-server';
import type { TaskStateName } from '../workflow/definition';
import { LocalWorkflowEngine, type TaskStateHandler } from '../workflow/local-engine';
import { Catalog } from './catalog';
import { Cooldowns } from './cooldowns';
import { ModelGateway } from './gateway';
import { AnthropicProvider } from './providers/anthropic';
import { MemoryMeter } from './usage-meter';

/**
 * A task whose only provider fails half its calls, run by the real workflow definition in the
 * local ASL interpreter, through the real Anthropic SDK against the fake Anthropic server. The
 * gateway's clock is a fake one that its waits move on: no test waits real seconds.
 */

let server: Awaited<ReturnType<typeof startFakeAnthropic>>;
beforeAll(async () => {
  server = await startFakeAnthropic();
});
afterEach(() => server.clear());
afterAll(() => server.close());

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

function flakyTeam() {
  let clock = Date.parse('2026-12-01T00:00:00Z');
  const now = () => clock;
  const waits: number[] = [];
  const gateway = new ModelGateway({
    providers: new Map([
      ['anthropic', new AnthropicProvider({ apiKey: 'sk-ant-test', baseURL: server.url })],
    ]),
    catalog: Catalog.shipped(),
    meter: new MemoryMeter(),
    cooldowns: new Cooldowns(now),
    now,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    policy: { timeoutMs: 2_000 },
  });
  const ask = (deadline?: number) =>
    gateway.complete({
      profile,
      preference: 'balanced',
      messages: [{ role: 'user', content: 'Next change.' }],
      maxOutputTokens: 200,
      context: { tenantId: 'acme', taskId: 'tsk_flaky', employeeId: 'dev' },
      ...(deadline !== undefined ? { deadline } : {}),
    });
  return { ask, waits, now };
}

/** Runs the workflow with one step whose employee turn is `runEmployee`; says how the task ended. */
async function runTask(runEmployee: TaskStateHandler): Promise<{ ended: string[]; failure?: unknown }> {
  const ended: string[] = [];
  let failure: unknown;
  const record =
    (name: string, output: unknown = {}): TaskStateHandler =>
    async (input) => {
      ended.push(name);
      if (name === 'MarkFailed') failure = (input as { error?: unknown }).error;
      return output;
    };
  const handlers = {
    Plan: record('Plan', { needsApproval: false }),
    ApprovalGate: record('ApprovalGate'),
    StartRun: record('StartRun', { waves: [['step-1']] }),
    StartStep: record('StartStep', { done: false, loop: 'employee' }),
    RunEmployee: runEmployee,
    DevAttempt: record('DevAttempt'),
    QAReview: record('QAReview'),
    RejectStep: record('RejectStep'),
    Replan: record('Replan', { replanned: false }),
    Synthesize: record('Synthesize'),
    Finalize: record('Finalize'),
    MarkFailed: record('MarkFailed'),
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
    expect(ended).toContain('Finalize');
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
    expect(ended).toContain('Finalize');
  });
});
