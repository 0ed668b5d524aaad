import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskStateName } from '../definition';
import { HISTORY_EVENT_LIMIT } from '../execution-limits';
import { type LocalEngineOptions, LocalWorkflowEngine, type TaskStateHandler } from './local-engine';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  unhandled.length = 0;
  vi.useRealTimers();
});

/** Handlers that record their calls and answer as a plain run would, with `over` replacing some. */
function recordingHandlers(over: Partial<Record<TaskStateName, TaskStateHandler>> = {}) {
  const calls: string[] = [];
  const answer =
    (name: TaskStateName, output: unknown): TaskStateHandler =>
    async (input, invocation) => {
      calls.push(name);
      const own = over[name];
      return own ? own(input, invocation) : output;
    };
  const handlers = {
    PlanTask: answer('PlanTask', { needsApproval: false }),
    RequestApproval: answer('RequestApproval', {}),
    StartRun: answer('StartRun', { waves: [['a']] }),
    StartStep: answer('StartStep', { done: false, loop: 'other', round: 1, maxRounds: 3 }),
    RunEmployee: answer('RunEmployee', { stepId: 'a', continue: false }),
    DevAttempt: answer('DevAttempt', { round: 1, continue: false }),
    QAReview: answer('QAReview', { passed: true, continue: false }),
    RejectStep: answer('RejectStep', {}),
    Replan: answer('Replan', {}),
    Synthesize: answer('Synthesize', {}),
    FinalizeTask: answer('FinalizeTask', {}),
    MarkTaskFailed: answer('MarkTaskFailed', {}),
  } satisfies Record<TaskStateName, TaskStateHandler>;
  return { handlers, calls };
}

async function runToEnd(
  over: Partial<Record<TaskStateName, TaskStateHandler>>,
  options: LocalEngineOptions = {},
) {
  const { handlers, calls } = recordingHandlers(over);
  const errors: unknown[] = [];
  const engine = new LocalWorkflowEngine(handlers, {
    retryIntervalMs: 0,
    onExecutionError: (_id, e) => errors.push(e),
    ...options,
  });
  const { executionId } = await engine.start({ tenantId: 't1', taskId: '01task' });
  await engine.idle();
  return { engine, executionId, calls, errors };
}

describe('LocalWorkflowEngine holds the limits Step Functions holds', () => {
  it('counts history events as Step Functions does: a one-step run is 52 events', async () => {
    const { engine, executionId, calls } = await runToEnd({});
    expect(calls).toEqual(['PlanTask', 'StartRun', 'StartStep', 'RunEmployee', 'Synthesize', 'FinalizeTask']);
    // Started 1, Plan 5, NeedsApproval 2, StartRun 5, Execute (Map) 4, the wave's iteration 2 and
    // RunWave (Map) 4, the step's iteration 2, StartStep 5, RouteStep 2, RunEmployee 5,
    // RunEmployeeContinues 2, StepDone 2, Synthesize 5, FinalizeTask 5, Succeeded 1.
    expect(engine.historyEvents(executionId)).toBe(52);
  });

  it('fails the execution past 25,000 history events, with no Catch and no state after it', async () => {
    const waves = Array.from({ length: 1_100 }, (_, n) => [`s${n}`]);
    const { engine, executionId, calls, errors } = await runToEnd({
      StartRun: async () => ({ waves }),
    });
    const steps = calls.filter((c) => c === 'RunEmployee').length;
    expect(steps).toBeGreaterThan(1_000);
    expect(steps).toBeLessThan(1_100);
    expect(calls).not.toContain('Synthesize');
    expect(calls).not.toContain('MarkTaskFailed');
    expect(engine.historyEvents(executionId)).toBeGreaterThan(HISTORY_EVENT_LIMIT);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'States.Runtime', details: { limit: 25_000 } });
    expect(engine.limitFailure(executionId)?.message).toMatch(/over Step Functions' limit of 25,000/);
  });

  it("fails the execution with States.DataLimitExceeded when a state's output passes 256 KiB, uncaught", async () => {
    const { calls, errors } = await runToEnd({
      PlanTask: async () => ({ needsApproval: false, plan: 'x'.repeat(300 * 1024) }),
    });
    expect(calls).toEqual(['PlanTask']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'States.DataLimitExceeded',
      details: { state: 'PlanTask', what: 'output' },
    });
  });

  it('lets a state run past the interpreter’s 60 s default, as a Lambda may run for 15 minutes', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let finish!: () => void;
    const running = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const { handlers, calls } = recordingHandlers({
      RunEmployee: async () => {
        await running;
        return { stepId: 'a', continue: false };
      },
    });
    const engine = new LocalWorkflowEngine(handlers, { retryIntervalMs: 0 });
    await engine.start({ tenantId: 't1', taskId: '01task' });
    await vi.waitFor(() => expect(calls).toContain('RunEmployee'));
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    finish();
    await vi.waitFor(() => expect(calls.at(-1)).toBe('FinalizeTask'));
    expect(calls).not.toContain('MarkTaskFailed');
  });

  it("gives each invocation its remaining time and kills one that passes the ceiling (retried, as Lambda's Sandbox.Timedout)", async () => {
    let now = 0;
    const seen: number[] = [];
    let attempts = 0;
    const { calls } = await runToEnd(
      {
        RunEmployee: async (_input, invocation) => {
          seen.push(invocation.getRemainingTimeInMillis());
          now += 3_000;
          seen.push(invocation.getRemainingTimeInMillis());
          // The first invocation overruns its ceiling: killed, retried, and the second one finishes.
          if (attempts++ === 0) now += 5_000;
          return { stepId: 'a', continue: false };
        },
      },
      { invocationCeilingMs: 5_000, now: () => now },
    );
    expect(seen).toEqual([5_000, 2_000, 5_000, 2_000]);
    expect(calls.filter((c) => c === 'RunEmployee')).toHaveLength(2);
    expect(calls.at(-1)).toBe('FinalizeTask');
  });
});

describe('LocalWorkflowEngine', () => {
  it('a stop while the approval request is still being sent leaves no unhandled rejection', async () => {
    process.on('unhandledRejection', onUnhandled);
    let release!: () => void;
    const requestSent = new Promise<void>((resolve) => {
      release = resolve;
    });
    let requesting!: () => void;
    const requestStarted = new Promise<void>((resolve) => {
      requesting = resolve;
    });
    const calls: string[] = [];
    const record =
      (name: string, output: unknown = {}): TaskStateHandler =>
      async () => {
        calls.push(name);
        return output;
      };
    const handlers = {
      PlanTask: record('PlanTask', { needsApproval: true }),
      RequestApproval: async () => {
        calls.push('RequestApproval');
        requesting();
        await requestSent;
        return {};
      },
      StartRun: record('StartRun', { waves: [] }),
      StartStep: record('StartStep'),
      RunEmployee: record('RunEmployee'),
      DevAttempt: record('DevAttempt'),
      QAReview: record('QAReview'),
      RejectStep: record('RejectStep'),
      Replan: record('Replan'),
      Synthesize: record('Synthesize'),
      FinalizeTask: record('FinalizeTask'),
      MarkTaskFailed: record('MarkTaskFailed'),
    } satisfies Record<TaskStateName, TaskStateHandler>;
    const engine = new LocalWorkflowEngine(handlers, { retryIntervalMs: 0 });
    const { executionId } = await engine.start({ tenantId: 't1', taskId: '01task' });
    await requestStarted;
    // The cancel lands while RequestApproval runs: its token's waiter is rejected before anything awaits it.
    await engine.stop(executionId);
    // The request goes on for a while (I/O in the real handler), past the microtask queue.
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await engine.idle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(unhandled).toEqual([]);
    expect(calls).toEqual(['PlanTask', 'RequestApproval']);
    expect(engine.activeCount).toBe(0);
  });
});
