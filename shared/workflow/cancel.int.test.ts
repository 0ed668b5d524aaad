import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeSandbox, SandboxRun, SandboxRunners } from '../agents';
import type { TaskEvent } from '../domain';
import { DEMO_MODEL, DemoProvider } from '../gateway/providers/demo/demo-provider';
import type { ModelProvider } from '../gateway/types';
import type { Store } from '../store';
import { directModels } from '../testing/direct-models';
import { freshStore } from '../testing/dynamo';
import { TASK_STATE_FUNCTIONS } from '../testing/task-state-functions';
import { LocalWorkspace } from '../workspace';
import { TaskSignals, type WorkflowDeps } from './deps';
import { LocalWorkflowEngine } from './engines/local-engine';
import { reconcileExecution } from './reconcile';
import { cancelTask, submitTask } from './task-lifecycle';

// Cancel and reconcile through the interpreter against DynamoDB Local. Every state's handler is
// tracked until it settles: a cancel stops the execution at once, but the handler that was running
// goes on until it notices, and what it writes then is what these tests look at.

const ended: string[] = [];
const runs: SandboxRunners = { start: async () => undefined, end: async (id) => void ended.push(id) };

/** A sandbox whose job runs until its signal aborts it (a long job, killed). */
function longJobSandbox() {
  const jobs: { killed: boolean }[] = [];
  let started!: () => void;
  const firstJob = new Promise<void>((r) => {
    started = r;
  });
  const run = (job: { signal?: AbortSignal }) =>
    new Promise<SandboxRun>((resolve) => {
      const record = { killed: false };
      jobs.push(record);
      started();
      job.signal?.addEventListener(
        'abort',
        () => {
          record.killed = true;
          resolve({
            exitCode: 137,
            stdout: '',
            stderr: '',
            isolation: 'scripted',
            durationMs: 1,
            limit: 'cancelled',
            changedFiles: {},
          });
        },
        { once: true },
      );
    });
  const sandbox: CodeSandbox = { describe: 'long jobs', exec: run, test: run };
  return { sandbox, jobs, firstJob };
}

function setup(
  store: Store,
  opts: {
    provider?: ModelProvider;
    sandbox?: CodeSandbox;
    /** false: the cancel comes from another process (the API's Lambda on AWS), seen only by the poll. */
    sameProcess?: boolean;
    override?: Partial<Record<string, (input: unknown, real: (input: unknown) => unknown) => unknown>>;
  } = {},
) {
  const root = mkdtempSync(join(tmpdir(), 'cancel-'));
  const signals = opts.sameProcess === false ? undefined : new TaskSignals();
  const deps: WorkflowDeps = {
    store,
    models: directModels(opts.provider ?? new DemoProvider(), DEMO_MODEL, store),
    workspaceFor: (t, id) => new LocalWorkspace(join(root, t, id)),
    sandboxRunners: runs,
    cancelPollMs: 25,
    ...(signals ? { signals } : {}),
    ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
  };
  const inFlight = new Set<Promise<unknown>>();
  const outcomes: { state: string; error?: string }[] = [];
  const handlers = Object.fromEntries(
    Object.entries(TASK_STATE_FUNCTIONS).map(([name, fn]) => {
      const real = (i: unknown) => fn(deps, i as never);
      const override = opts.override?.[name];
      const run = override ? (i: unknown) => override(i, real) : real;
      return [
        name,
        (i: unknown) => {
          const p = Promise.resolve(run(i)).then(
            (out) => {
              outcomes.push({ state: name });
              return out;
            },
            (e: Error) => {
              outcomes.push({ state: name, error: e.name });
              throw e;
            },
          );
          inFlight.add(p);
          void p.catch(() => undefined).finally(() => inFlight.delete(p));
          return p;
        },
      ];
    }),
  ) as never;
  const workflow = new LocalWorkflowEngine(handlers, {
    retryIntervalMs: 0,
    onExecutionFailed: (input, failure) =>
      reconcileExecution(deps, { ...input, status: 'FAILED', ...failure }),
  });
  /** Resolves once the execution is over and every handler it started has settled. */
  const settled = async () => {
    await workflow.idle();
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };
  const life = { store, workflow, sandboxRunners: runs, ...(signals ? { signals } : {}) };
  return { deps, workflow, life, settled, outcomes };
}

const events = async (store: Store, taskId: string): Promise<TaskEvent[]> =>
  (await store.listEvents('local', taskId, { limit: 1000 })).items;

/** What was written after task_finished (nothing, when the log closed as it should). */
const afterFinish = (log: TaskEvent[]) => log.slice(log.findIndex((e) => e.type === 'task_finished') + 1);

const TASK = { prompt: 'Write a slugify function with tests', preference: 'cheap' as const };

describe('a cancel stops everything', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it('in this process: the sandbox job is killed, the turn ends, and nothing is recorded after task_finished', async () => {
    const long = longJobSandbox();
    const { life, settled, outcomes } = setup(store, { sandbox: long.sandbox });
    const task = await submitTask(life, 'local', TASK);
    await long.firstJob;
    await cancelTask(life, 'local', task.id);
    await settled();
    const log = await events(store, task.id);
    expect(long.jobs).toEqual([{ killed: true }]);
    expect(log.filter((e) => e.type === 'task_finished')).toHaveLength(1);
    expect(afterFinish(log).map((e) => e.type)).toEqual([]);
    // The working state (QA's review, whose job it was) ended as TaskStopped, and nothing else failed.
    expect(outcomes.flatMap((o) => (o.error ? [o.error] : []))).toEqual(['TaskStopped']);
    expect((await store.getTask('local', task.id)).status).toBe('cancelled');
  });

  it('from another process (AWS): the poll aborts the model call in flight, and nothing is recorded after task_finished', async () => {
    const demo = new DemoProvider();
    let held!: () => void;
    const holding = new Promise<void>((r) => {
      held = r;
    });
    let abortedInFlight = false;
    // Holds Dev's first model call until it is aborted (a long generation); it gives up holding
    // after a minute, so a step that never learns of the cancel fails the test instead of hanging.
    const provider: ModelProvider = {
      name: 'demo',
      complete: async (req) => {
        if (req.context.employeeId !== 'dev' || abortedInFlight) return demo.complete(req);
        held();
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 60_000);
          req.signal?.addEventListener(
            'abort',
            () => {
              abortedInFlight = true;
              clearTimeout(t);
              resolve();
            },
            { once: true },
          );
        });
        if (abortedInFlight) throw Object.assign(new Error('Request was aborted.'), { name: 'AbortError' });
        return demo.complete(req);
      },
    };
    const { life, settled, outcomes } = setup(store, { provider, sameProcess: false });
    const task = await submitTask(life, 'local', TASK);
    await holding;
    await cancelTask(life, 'local', task.id);
    await settled();
    expect(abortedInFlight).toBe(true);
    const log = await events(store, task.id);
    expect(afterFinish(log).map((e) => e.type)).toEqual([]);
    expect(outcomes.flatMap((o) => (o.error ? [o.error] : []))).toEqual(['TaskStopped']);
  });

  it('from another process (AWS): the poll kills the sandbox job in flight', async () => {
    const long = longJobSandbox();
    const { life, settled } = setup(store, { sandbox: long.sandbox, sameProcess: false });
    const task = await submitTask(life, 'local', TASK);
    await long.firstJob;
    await cancelTask(life, 'local', task.id);
    await settled();
    expect(long.jobs).toEqual([{ killed: true }]);
    expect(afterFinish(await events(store, task.id)).map((e) => e.type)).toEqual([]);
  });
});

describe('an execution that fails outside any Catch', () => {
  it('leaves the task failed with the reason and one task_finished, and ends its sandbox run', async () => {
    const store = await freshStore();
    const failing = (name: string, message: string) => () => {
      throw Object.assign(new Error(message), { name });
    };
    const { life, settled } = setup(store, {
      override: {
        PlanTask: failing('PlanBroke', 'the planner broke'),
        // MarkTaskFailed has no Catch: its failure ends the execution uncaught.
        MarkTaskFailed: failing('StoreDown', 'the table did not answer'),
      },
    });
    const task = await submitTask(life, 'local', TASK);
    await settled();
    const now = await store.getTask('local', task.id);
    expect(now.status).toBe('failed');
    expect(now.failure?.code).toBe('StoreDown');
    expect(now.failure?.message).toMatch(/outside any step's error handling.*the table did not answer/);
    const log = await events(store, task.id);
    expect(log.filter((e) => e.type === 'task_finished')).toHaveLength(1);
    expect(log.at(-1)?.type).toBe('task_finished');
    expect(ended).toContain(task.id);
  });
});
