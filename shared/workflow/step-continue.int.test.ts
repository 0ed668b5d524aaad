import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeSandbox, SandboxRun } from '../agents';
import type { TaskEvent } from '../domain';
import { DEMO_MODEL, DemoProvider } from '../gateway/providers/demo/demo-provider';
import type { ModelProvider } from '../gateway/types';
import type { Store } from '../store';
import { directModels } from '../testing/direct-models';
import { freshStore } from '../testing/dynamo';
import { TASK_STATE_FUNCTIONS } from '../testing/task-state-functions';
import { LocalWorkspace } from '../workspace';
import { TaskSignals, type WorkflowDeps } from './deps';
import { LocalWorkflowEngine, type TaskStateHandler } from './engines/local-engine';
import type { Invocation } from './states/invocation';
import { submitTask } from './task-lifecycle';

// A step's turn outlives its invocation: the demo team's sample (Dev writes, QA rejects, Dev fixes,
// QA accepts) runs once with Lambda's 15 minutes and once with a ceiling of 4 simulated seconds (a turn pauses with less than 2.5 left),
// where every model call takes one simulated second. The second run pauses its turns, checkpoints
// them to DynamoDB Local, and continues through the state machine's Choice loops.

/** Passes when the sample's fix (the collapsing regex) is in slugify.py, as the real tests would. */
const sampleTests: CodeSandbox = {
  describe: 'scripted',
  exec: async (job) => verdict(job.files),
  test: async (job) => verdict(job.files),
};
async function verdict(files: Record<string, string>): Promise<SandboxRun> {
  const fixed = files['slugify.py']?.includes('[^a-z0-9]+') ?? false;
  return {
    exitCode: fixed ? 0 : 1,
    stdout: fixed ? '4 passed' : '1 failed, 3 passed',
    stderr: '',
    isolation: 'scripted',
    durationMs: 1,
    changedFiles: {},
    tests: fixed
      ? { passed: 4, failed: 0, errors: 0, failing: [] }
      : { passed: 3, failed: 1, errors: 0, failing: ['test_collapses_punctuation_and_spaces'] },
  };
}

async function runSample(store: Store, ceilingMs: number | undefined) {
  let now = 0;
  const demo = new DemoProvider();
  // Each model call takes a simulated second: the clock the invocations' remaining time is read from.
  const provider: ModelProvider = {
    name: 'demo',
    complete: async (req) => {
      now += 1_000;
      return demo.complete(req);
    },
  };
  const root = mkdtempSync(join(tmpdir(), 'wf-continue-'));
  const deps: WorkflowDeps = {
    store,
    models: directModels(provider, DEMO_MODEL, store),
    workspaceFor: (t, id) => new LocalWorkspace(join(root, t, id)),
    signals: new TaskSignals(),
    sandbox: sampleTests,
    pauseMarginMs: 2_500,
  };
  const invocations: Record<string, number> = {};
  const handlers = Object.fromEntries(
    Object.entries(TASK_STATE_FUNCTIONS).map(([name, fn]) => [
      name,
      (input: unknown, invocation: Invocation) => {
        invocations[name] = (invocations[name] ?? 0) + 1;
        return fn(deps, input as never, invocation);
      },
    ]),
  ) as Record<string, TaskStateHandler>;
  const errors: unknown[] = [];
  const workflow = new LocalWorkflowEngine(handlers as never, {
    retryIntervalMs: 0,
    now: () => now,
    onExecutionError: (_id, e) => errors.push(e),
    ...(ceilingMs ? { invocationCeilingMs: ceilingMs } : {}),
  });
  const life = { store, workflow, signals: deps.signals! };
  const task = await submitTask(life, 'local', {
    prompt: 'Write a slugify function with tests',
    preference: 'balanced',
  });
  await workflow.idle();
  const log = (await store.listEvents('local', task.id, { limit: 1000 })).items;
  return {
    task: await store.getTask('local', task.id),
    results: await store.listStepResults('local', task.id),
    log,
    invocations,
    errors,
    checkpointParts: await store.checkpoints.countParts('local', task.id),
  };
}

/**
 * An event as a person reads it: without ids, times and durations, which differ between any two
 * runs (the demo numbers its tool calls across the process: `callId` too).
 */
const VARYING = new Set(['id', 'at', 'taskId', 'callId']);
function asRead(event: TaskEvent): unknown {
  return JSON.parse(
    JSON.stringify(event, (key, value) => (VARYING.has(key) || /(Ms|At)$/.test(key) ? undefined : value)),
  );
}

describe('a step whose turns outlive one invocation', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it('checkpoints and continues across invocations, ending with the same result and one set of events', async () => {
    const whole = await runSample(store, undefined);
    const cut = await runSample(store, 4_000);

    expect(whole.errors).toEqual([]);
    expect(cut.errors).toEqual([]);
    expect(whole.task.status).toBe('succeeded');
    expect(cut.task.status).toBe('succeeded');
    // Two rounds: with 15 minutes each turn is one invocation...
    expect(whole.invocations['DevAttempt']).toBe(2);
    expect(whole.invocations['QAReview']).toBe(2);
    // ...with 4 simulated seconds the turns continued in further invocations.
    const cutTurns = (cut.invocations['DevAttempt'] ?? 0) + (cut.invocations['QAReview'] ?? 0);
    expect(cutTurns).toBeGreaterThan(4);

    const strip = (r: {
      stepId: string;
      status: string;
      output: string;
      round?: number;
      findings?: string;
    }) => ({
      stepId: r.stepId,
      status: r.status,
      output: r.output,
      round: r.round,
      findings: r.findings,
    });
    expect(cut.results.map(strip)).toEqual(whole.results.map(strip));
    expect(cut.task.summary).toBe(whole.task.summary);
    // The same events in the same order: no turn ran twice, none was lost.
    expect(cut.log.map(asRead)).toEqual(whole.log.map(asRead));
    expect(cut.log.filter((e) => e.type === 'message').length).toBeGreaterThan(4);
    // Finished turns leave no checkpoint behind.
    expect(cut.checkpointParts).toBe(0);
  });
});
