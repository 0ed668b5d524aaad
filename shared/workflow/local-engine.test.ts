import { afterEach, describe, expect, it } from 'vitest';
import type { TaskStateName } from './definition';
import { LocalWorkflowEngine, type TaskStateHandler } from './local-engine';

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  unhandled.length = 0;
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
      Plan: record('Plan', { needsApproval: true }),
      ApprovalGate: async () => {
        calls.push('ApprovalGate');
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
      Finalize: record('Finalize'),
      MarkFailed: record('MarkFailed'),
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
    expect(calls).toEqual(['Plan', 'ApprovalGate']);
    expect(engine.activeCount).toBe(0);
  });
});
