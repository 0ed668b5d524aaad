import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CodeSandbox, SandboxRun, SandboxRunners } from '../agents';
import type { TaskEvent } from '../domain';
import { DEMO_MODEL, DemoProvider } from '../gateway/providers/demo/demo-provider';
import type { ModelProvider, ModelRequest, ModelResponse, ToolCall } from '../gateway/types';
import { BudgetExceeded } from '../money';
import type { Store } from '../store';
import { directModels } from '../testing/direct-models';
import { freshStore } from '../testing/dynamo';
import { TASK_STATE_FUNCTIONS } from '../testing/task-state-functions';
import { LocalWorkspace } from '../workspace';
import { placeholderArns, substituteDefinition, TASK_STATES, workflowDefinition } from './definition';
import { TaskSignals, type WorkflowDeps } from './deps';
import type { WorkflowEngine } from './engines/engine';
import { LocalWorkflowEngine } from './engines/local-engine';
import { replan } from './states/replan-state';
import {
  approveTask,
  cancelTask,
  rejectTask,
  resumeInterruptedTasks,
  resumeTask,
  submitTask,
} from './task-lifecycle';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (
  def: unknown,
  opts: { checkArn: boolean; checkPaths: boolean },
) => { isValid: boolean; errorsText: (sep?: string) => string };

/** A sandbox stand-in for the workflow's own tests (the real sandboxes have their own). */
/** What happened to the sandbox, in order: runs started and ended, jobs with their run. */
const timeline: string[] = [];

/** The per-run side of a sandbox (the Fargate tier's runner), recorded. */
const recordedRuns: SandboxRunners = {
  start: async (runId) => void timeline.push(`start ${runId}`),
  end: async (runId) => void timeline.push(`end ${runId}`),
};

const ofRun = (runId: string) => timeline.filter((t) => t.endsWith(` ${runId}`));

class ScriptedSandbox implements CodeSandbox {
  readonly describe = 'scripted';
  runs: { files: Record<string, string>; runId: string }[] = [];
  constructor(
    private readonly verdict: (files: Record<string, string>, signal?: AbortSignal) => Promise<SandboxRun>,
  ) {}
  exec(job: { files: Record<string, string>; runId: string; signal?: AbortSignal }) {
    this.runs.push(job);
    timeline.push(`job ${job.runId}`);
    return this.verdict(job.files, job.signal);
  }
  test(job: { files: Record<string, string>; runId: string; signal?: AbortSignal }) {
    this.runs.push(job);
    timeline.push(`job ${job.runId}`);
    return this.verdict(job.files, job.signal);
  }
}

const failingTests = async (): Promise<SandboxRun> => ({
  exitCode: 1,
  stdout: '1 failed, 3 passed',
  stderr: '',
  isolation: 'scripted',
  durationMs: 1,
  changedFiles: {},
  tests: { passed: 3, failed: 1, errors: 0, failing: ['test_collapses_punctuation_and_spaces'] },
});

/** Checks the sample's tests for real: pass when the fixed regex is in the file. */
const sampleAwareTests = async (files: Record<string, string>): Promise<SandboxRun> =>
  files['slugify.py']?.includes('[^a-z0-9]+')
    ? {
        ...(await failingTests()),
        exitCode: 0,
        stdout: '4 passed',
        tests: { passed: 4, failed: 0, errors: 0, failing: [] },
      }
    : failingTests();

function setup(
  store: Store,
  opts: {
    provider?: ModelProvider;
    sandbox?: CodeSandbox;
    /** Replaces a state's function (given the real one), e.g. to make it fail. */
    override?: Partial<Record<string, (input: unknown, real: (input: unknown) => unknown) => unknown>>;
  } = {},
) {
  const root = mkdtempSync(join(tmpdir(), 'wf-'));
  const deps: WorkflowDeps = {
    store,
    models: directModels(opts.provider ?? new DemoProvider(), DEMO_MODEL, store),
    workspaceFor: (t, id) => new LocalWorkspace(join(root, t, id)),
    signals: new TaskSignals(),
    sandboxRunners: recordedRuns,
    ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
  };
  const handlers = Object.fromEntries(
    Object.entries(TASK_STATE_FUNCTIONS).map(([name, fn]) => {
      const real = (i: unknown) => fn(deps, i as never);
      const override = opts.override?.[name];
      return [name, override ? (i: unknown) => override(i, real) : real];
    }),
  ) as never;
  const workflow = new LocalWorkflowEngine(handlers, { retryIntervalMs: 0 });
  return { deps, workflow, life: { store, workflow, signals: deps.signals!, sandboxRunners: recordedRuns } };
}

async function events(store: Store, taskId: string): Promise<TaskEvent[]> {
  return (await store.listEvents('local', taskId, { limit: 1000 })).items;
}

/** The demo model, with every request it is given kept, per employee. */
function recordingDemo() {
  const demo = new DemoProvider();
  const seen: ModelRequest[] = [];
  const provider: ModelProvider = {
    name: 'demo',
    complete: async (req) => {
      seen.push(req);
      return demo.complete(req);
    },
  };
  /** The first user message (the step's prompt) of each turn of `employee`, in order, once each. */
  const prompts = (employee: string) => [
    ...new Set(
      seen
        .filter((r) => r.context.employeeId === employee)
        .map((r) => r.messages.find((m) => m.role === 'user')?.content ?? ''),
    ),
  ];
  return { provider, prompts };
}

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The demo team, with the Super Agent's structured answers scripted: `answer` gets each of its
 * calls (plan, re-plan, summary) and returns the answer text, or undefined to let the demo answer.
 */
function scriptedSuperAgent(answer: (req: ModelRequest) => string | undefined) {
  const demo = new DemoProvider();
  const calls: ModelRequest[] = [];
  const provider: ModelProvider = {
    name: 'demo',
    complete: async (req): Promise<ModelResponse> => {
      if (req.context.employeeId !== 'super-agent') return demo.complete(req);
      calls.push(req);
      const text = answer(req);
      if (text === undefined) return demo.complete(req);
      return {
        text,
        toolCalls: [],
        stopReason: 'end',
        usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 },
        provider: 'demo',
        model: DEMO_MODEL,
      };
    },
  };
  return { provider, calls };
}

const SLUGIFY = 'Write a slugify function with tests';
const planStep = (id: string, employee: string, extra: Record<string, unknown> = {}) => ({
  id,
  employee,
  title: `${id} for a slugify function`,
  instructions: `Work on a slugify function.\nThe whole task: ${SLUGIFY}`,
  acceptance: 'The tests pass in the sandbox.',
  dependsOn: [] as string[],
  ...extra,
});
const startedSteps = (log: TaskEvent[]) => log.flatMap((e) => (e.type === 'step_started' ? [e.stepId] : []));

describe('the ASL definition', () => {
  it('passes asl-validator once its resources are substituted', () => {
    const { isValid, errorsText } = aslValidator(substituteDefinition(placeholderArns()), {
      checkArn: true,
      checkPaths: true,
    });
    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('names a substitution variable for every Task state, and nothing else', () => {
    const vars = [...JSON.stringify(workflowDefinition()).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(vars)).toEqual(new Set(Object.values(TASK_STATES)));
  });
});

describe('the team in the interpreter', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it('runs a sample: QA rejects the first attempt, Dev fixes it, QA accepts, the task succeeds', async () => {
    const sandbox = new ScriptedSandbox(sampleAwareTests);
    const recorded = recordingDemo();
    const { workflow, life, deps } = setup(store, { sandbox, provider: recorded.provider });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
    });
    await workflow.idle();
    const done = await store.getTask('local', task.id);
    expect(done.failure).toBeUndefined();
    expect(done.status).toBe('succeeded');
    expect(done.stepsDone).toBe(2);
    const log = await events(store, task.id);
    const verdicts = log.flatMap((e) => (e.type === 'verdict' ? [[e.round, e.passed]] : []));
    expect(verdicts).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(log.some((e) => e.type === 'handoff' && e.from === 'qa' && e.to === 'dev')).toBe(true);
    const writes = (who: string) =>
      log.flatMap((e) =>
        e.type === 'tool_call' && e.tool === 'workspace.write' && e.employee === who
          ? [e.arguments.path]
          : [],
      );
    expect(writes('dev')).toEqual(['slugify.py', 'test_slugify.py', 'slugify.py']); // round one, then the fix
    expect(writes('qa')).toEqual(['qa_probes/test_slugify_edges.py', 'qa_probes/test_slugify_edges.py']);
    expect(log.filter((e) => e.type === 'sandbox_run').length).toBe(3); // QA r1 (fails), Dev r2, QA r2
    // QA's diff shows the whole change of the step, not "(no changes)".
    const diffs = log.flatMap((e) =>
      e.type === 'tool_result' && e.tool === 'workspace.diff' && e.employee === 'qa' ? [e.output] : [],
    );
    expect(diffs).toHaveLength(2);
    for (const diff of diffs) expect(diff).toMatch(/\+\+\+ b\/slugify\.py[\s\S]*\+\+\+ b\/test_slugify\.py/);
    // QA's probe runs with QA's jobs; Dev's job (round two) never sees it.
    const [qaFirst, devSecond, qaSecond] = sandbox.runs.map((r) => Object.keys(r.files).sort());
    expect(qaFirst).toContain('qa_probes/test_slugify_edges.py');
    expect(qaSecond).toContain('qa_probes/test_slugify_edges.py');
    expect(devSecond).toEqual(['slugify.py', 'test_slugify.py']);
    // Dev's second round starts from all QA learnt: its own report, the findings, the failing
    // tests and their output, the probe (which Dev cannot open), and the step's diff so far.
    const [, second] = recorded.prompts('dev');
    expect(second).toContain('Round 2 of 3. QA rejected your attempt of round 1.');
    expect(second).toMatch(
      /## Your report of round 1\n\[demo\] a slugify function and its tests are written/,
    );
    expect(second).toMatch(
      /## QA's findings\nThe tests fail in the sandbox \(failing: test_collapses_punctuation/,
    );
    expect(second).toContain('## Tests QA saw fail\n- test_collapses_punctuation_and_spaces');
    expect(second).toMatch(/## Output of QA's last test run\nexit code 1[\s\S]*1 failed, 3 passed/);
    expect(second).toContain('### qa_probes/test_slugify_edges.py');
    expect(second).toContain('def test_runs_of_separators_collapse():');
    expect(second).toMatch(/## The diff of this step so far[^\n]*\n[\s\S]*\+\+\+ b\/slugify\.py/);
    expect(second).toContain('+    return re.sub(r"[^a-z0-9]", "-", text.lower()).strip("-")');
    const files = await deps.workspaceFor('local', task.id).files();
    expect(files['slugify.py']).toContain('[^a-z0-9]+');
    expect(files['test_slugify.py']).toContain('def test_collapses_punctuation_and_spaces');
    expect(done.summary).toMatch(/^\[demo\]/);
    // StartRun starts the run's sandbox before any job; every job names the run; FinalizeTask ends it.
    expect(ofRun(task.id)).toEqual([
      `start ${task.id}`,
      ...sandbox.runs.map(() => `job ${task.id}`),
      `end ${task.id}`,
    ]);
  });

  it('fails the task with the reason when a step exhausts its Dev/QA rounds', async () => {
    const { workflow, life } = setup(store, { sandbox: new ScriptedSandbox(failingTests) });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'cheap',
    });
    await workflow.idle();
    const failed = await store.getTask('local', task.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.code).toBe('StepRejected');
    expect(failed.failure?.message).toMatch(
      /QA rejected step 'implement' after 3 round\(s\): The tests fail/,
    );
    const verdicts = (await events(store, task.id)).filter((e) => e.type === 'verdict');
    expect(verdicts).toHaveLength(3);
    // MarkTaskFailed ends the run's sandbox.
    expect(ofRun(task.id).at(-1)).toBe(`end ${task.id}`);
  });

  it('keeps QA’s findings through a resume, goes on from the last round, and shows the person’s note', async () => {
    const first = setup(store, { sandbox: new ScriptedSandbox(failingTests) });
    const task = await submitTask(first.life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'cheap',
    });
    await first.workflow.idle();
    expect((await store.getTask('local', task.id)).failure?.code).toBe('StepRejected');

    const recorded = recordingDemo();
    const second = setup(store, {
      sandbox: new ScriptedSandbox(sampleAwareTests),
      provider: recorded.provider,
    });
    const note = 'Runs of dashes and spaces must collapse to one dash; fix the regex, not the tests.';
    await expect(resumeTask(second.life, 'local', task.id, { note: ' '.repeat(3) })).rejects.toMatchObject({
      code: 'InvalidInput',
      message: expect.stringMatching(/note/),
    });
    await resumeTask(second.life, 'local', task.id, { note });
    await second.workflow.idle();
    const done = await store.getTask('local', task.id);
    expect(done.status).toBe('succeeded');
    expect(done.notes?.map((n) => n.text)).toEqual([note]);

    const [resumed] = recorded.prompts('dev');
    expect(resumed).toContain('Round 4 of 4. QA rejected your attempt of round 3.');
    expect(resumed).toMatch(/## QA's findings\nThe tests fail in the sandbox/);
    expect(resumed).toContain("## Output of QA's last test run");
    expect(resumed).toContain(`Guidance from the person who owns this task`);
    expect(resumed).toContain(note);
    expect(recorded.prompts('qa')[0]).toContain(note);
    expect(recorded.prompts('researcher')).toEqual([]); // the finished step was not run again

    const log = await events(store, task.id);
    expect(log.filter((e) => e.type === 'note_added')).toMatchObject([{ text: note }]);
    expect(log.flatMap((e) => (e.type === 'verdict' ? [[e.round, e.passed]] : []))).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
  });

  it('reads no verdict from QA’s prose: a review without submit_verdict fails, saying why', async () => {
    const demo = new DemoProvider();
    const reply = (text: string, toolCalls: ToolCall[] = []) => ({
      text,
      toolCalls,
      stopReason: toolCalls.length ? ('tool_use' as const) : ('end' as const),
      usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 },
      provider: 'demo',
      model: DEMO_MODEL,
    });
    const provider: ModelProvider = {
      name: 'demo',
      complete: async (req) => {
        const prompt = req.messages.find((m) => m.role === 'user')?.content ?? '';
        if (req.context.employeeId === 'qa' && prompt.includes('Review round 1 of')) {
          return reply('All good. {"verdict": "pass", "findings": "looks right"}');
        }
        if (req.context.employeeId === 'qa' && prompt.includes('Review round 2 of')) {
          // A new call each time (never a repeat the loop would stop early): it runs out of iterations.
          const n = req.messages.length;
          return reply('Let me look again.', [
            { id: `r${n}`, name: 'workspace_read', arguments: { path: `missing-${n}.py` } },
          ]);
        }
        return demo.complete(req);
      },
    };
    const { workflow, life } = setup(store, { provider, sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'cheap',
    });
    await workflow.idle();
    const verdicts = (await events(store, task.id)).flatMap((e) => (e.type === 'verdict' ? [e] : []));
    expect(verdicts.map((v) => [v.round, v.passed])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    // The reason is the loop's (this loop's, or the one that nudges before it gives up).
    expect(verdicts[0]!.findings).toMatch(
      /^QA ended its review without a verdict \(it (answered|ended its turn) without calling submit_verdict/,
    );
    expect(verdicts[1]!.findings).toMatch(
      /^QA ended its review without a verdict \(.*used all \d+ iterations/,
    );
    expect((await store.getTask('local', task.id)).status).toBe('succeeded');
  });

  it('fails a standalone QA step whose verdict is fail', async () => {
    const { workflow, life } = setup(store, { sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
      requireApproval: true,
    });
    await workflow.idle();
    const review = {
      id: 'review',
      employee: 'qa',
      title: 'Review the slugify function',
      instructions: 'Check that slugify meets its requirements.',
      dependsOn: [],
      acceptance: 'slugify collapses separators.',
    };
    await approveTask(life, 'local', task.id, { plan: { summary: 'review only', steps: [review] } });
    await workflow.idle();
    const failed = await store.getTask('local', task.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure).toMatchObject({
      code: 'StepRejected',
      message: expect.stringMatching(/QA rejected step 'review' after 1 round\(s\): The tests fail/),
    });
    const [result] = await store.listStepResults('local', task.id);
    expect(result).toMatchObject({ stepId: 'review', status: 'failed' });
  });

  it('waits for approval, then runs the edited plan', async () => {
    const { workflow, life } = setup(store, { sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
      requireApproval: true,
    });
    await workflow.idle();
    expect((await store.getTask('local', task.id)).status).toBe('awaiting_approval');
    const plan = (await store.getPlan('local', task.id))!;
    // The person drops the research step and gives Dev the requirements directly.
    const edited = {
      summary: 'edited',
      steps: [{ ...plan.steps[1]!, dependsOn: [], instructions: `${plan.steps[1]!.instructions} (edited)` }],
    };
    await approveTask(life, 'local', task.id, { plan: edited, note: 'skip research' });
    await workflow.idle();
    const done = await store.getTask('local', task.id);
    expect(done.status).toBe('succeeded');
    const started = (await events(store, task.id)).flatMap((e) =>
      e.type === 'step_started' ? [e.stepId] : [],
    );
    expect(started).toEqual(['implement']);
    const decided = (await events(store, task.id)).find((e) => e.type === 'approval_decided');
    expect(decided).toMatchObject({ decision: 'approved', edited: true, note: 'skip research' });
  });

  it('sends an unapproved plan through the gate again when its failed task is resumed', async () => {
    const sandbox = new ScriptedSandbox(sampleAwareTests);
    // The gate records the request, then fails (as a timeout would): MarkTaskFailed fails the task.
    const first = setup(store, {
      sandbox,
      override: {
        RequestApproval: async (input, real) => {
          await real(input);
          throw Object.assign(new Error('no decision in time'), { name: 'ApprovalTimedOut' });
        },
      },
    });
    const task = await submitTask(first.life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
      requireApproval: true,
    });
    await first.workflow.idle();
    const failed = await store.getTask('local', task.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.code).toBe('ApprovalTimedOut');

    const second = setup(store, { sandbox });
    await resumeTask(second.life, 'local', task.id);
    await second.workflow.idle();
    expect((await store.getTask('local', task.id)).status).toBe('awaiting_approval');
    let log = await events(store, task.id);
    expect(log.some((e) => e.type === 'step_started')).toBe(false);
    expect(log.filter((e) => e.type === 'plan_made')).toHaveLength(1); // the plan was kept
    expect(log.filter((e) => e.type === 'approval_requested')).toHaveLength(2);

    await approveTask(second.life, 'local', task.id, {});
    await second.workflow.idle();
    expect((await store.getTask('local', task.id)).status).toBe('succeeded');
    expect((await store.getPlanRecord('local', task.id))?.approvedAt).toBeDefined();
    log = await events(store, task.id);
    expect(log.some((e) => e.type === 'step_started')).toBe(true);
  });

  it('lets exactly one of two concurrent approvals through, and runs the winner’s plan', async () => {
    const { workflow, life } = setup(store, { sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
      requireApproval: true,
    });
    await workflow.idle();
    const plan = (await store.getPlan('local', task.id))!;
    const edits = ['a', 'b'].map((tag) => ({
      summary: `edit ${tag}`,
      steps: [{ ...plan.steps[1]!, dependsOn: [], instructions: `${plan.steps[1]!.instructions} (${tag})` }],
    }));
    const results = await Promise.allSettled(
      edits.map((edit) => approveTask(life, 'local', task.id, { plan: edit, note: edit.summary })),
    );
    const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason).toMatchObject({ status: 409 });
    expect((await store.getPlan('local', task.id))?.summary).toBe(edits[winners[0]!]!.summary);
    const decided = (await events(store, task.id)).filter((e) => e.type === 'approval_decided');
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ note: edits[winners[0]!]!.summary });
    await workflow.idle();
    expect((await store.getTask('local', task.id)).status).toBe('succeeded');
  });

  it('counts every step of a wave that runs in parallel', async () => {
    const { workflow, life } = setup(store, { sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
      requireApproval: true,
    });
    await workflow.idle();
    const research = (await store.getPlan('local', task.id))!.steps[0]!;
    const parallel = {
      summary: 'three research steps at once',
      steps: ['a', 'b', 'c'].map((tag) => ({ ...research, id: `research-${tag}`, dependsOn: [] })),
    };
    await approveTask(life, 'local', task.id, { plan: parallel });
    await workflow.idle();
    const done = await store.getTask('local', task.id);
    expect(done.status).toBe('succeeded');
    expect(done.stepCount).toBe(3);
    expect(done.stepsDone).toBe(done.stepCount);
  });

  it('cancels the task when its plan is rejected', async () => {
    const { workflow, life } = setup(store);
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
      requireApproval: true,
    });
    await workflow.idle();
    await rejectTask(life, 'local', task.id, { note: 'not now' });
    await workflow.idle();
    expect(workflow.activeCount).toBe(0);
    const t = await store.getTask('local', task.id);
    expect(t.status).toBe('cancelled');
    expect((await events(store, task.id)).some((e) => e.type === 'step_started')).toBe(false);
  });

  it('kills the running sandbox job on cancel', async () => {
    let ended: string | undefined;
    const sandbox = new ScriptedSandbox(
      (_files, signal) =>
        new Promise<SandboxRun>((resolve) => {
          const finish = () => {
            ended = 'cancelled';
            resolve({
              ...{ exitCode: 137, stdout: '', stderr: '', isolation: 'scripted', durationMs: 1 },
              limit: 'cancelled',
              changedFiles: {},
            });
          };
          if (signal?.aborted) finish();
          signal?.addEventListener('abort', finish, { once: true });
        }),
    );
    const { workflow, life } = setup(store, { sandbox });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'cheap',
    });
    await until(async () => sandbox.runs.length > 0, 'the first sandbox job');
    await cancelTask(life, 'local', task.id);
    await workflow.idle();
    expect(ended).toBe('cancelled');
    expect((await store.getTask('local', task.id)).status).toBe('cancelled');
    expect(sandbox.runs).toHaveLength(1);
    // A stopped execution runs no FinalizeTask or MarkTaskFailed: the cancel itself ends the run's sandbox.
    expect(ofRun(task.id)).toEqual([`start ${task.id}`, `job ${task.id}`, `end ${task.id}`]);
  });

  it('refuses a tool outside the employee’s list, records it, and tells the model', async () => {
    const demo = new DemoProvider();
    const seen: ModelRequest[] = [];
    const sneaky: ModelProvider = {
      name: 'demo',
      complete: async (req) => {
        if (req.context.employeeId === 'researcher') {
          seen.push(req);
          if (!req.messages.some((m) => m.role === 'tool')) {
            return {
              text: 'let me run something',
              toolCalls: [
                { id: 'c1', name: 'sandbox_exec', arguments: { runtime: 'python', command: ['id'] } },
              ],
              stopReason: 'tool_use',
              usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0 },
              provider: 'demo',
              model: DEMO_MODEL,
            };
          }
        }
        return demo.complete(req);
      },
    };
    const sandbox = new ScriptedSandbox(sampleAwareTests);
    const { workflow, life } = setup(store, { provider: sneaky, sandbox });
    const task = await submitTask(life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'cheap',
    });
    await workflow.idle();
    const refused = (await events(store, task.id)).find((e) => e.type === 'tool_refused');
    expect(refused).toMatchObject({ employee: 'researcher', tool: 'sandbox.exec' });
    const toolMessage = seen.at(-1)!.messages.find((m) => m.role === 'tool');
    expect(toolMessage).toMatchObject({ isError: true });
    expect((toolMessage as { content: string }).content).toMatch(
      /^Refused: 'sandbox.exec' is not one of researcher's tools/,
    );
    expect(seen[0]!.tools!.map((t) => t.name)).not.toContain('sandbox_exec');
    // Only Dev and QA ran sandbox jobs; the refused call never reached the sandbox.
    expect(
      (await events(store, task.id))
        .filter((e) => e.type === 'sandbox_run')
        .every((e) => e.type === 'sandbox_run' && e.employee !== 'researcher'),
    ).toBe(true);
  });

  it('goes on recovering the other tasks when one cannot be resumed, and records why', async () => {
    // What a crash leaves behind: two tasks mid-planning with no execution.
    const [bad, good] = [
      await store.createTask('local', {
        prompt: 'Write a slugify function with tests',
        preference: 'cheap',
      }),
      await store.createTask('local', { prompt: 'Write a slugify function with tests', preference: 'cheap' }),
    ];
    for (const t of [bad!, good!]) await store.transitionTask('local', t.id, 'planning');
    const { workflow, life } = setup(store, { sandbox: new ScriptedSandbox(sampleAwareTests) });
    const refusing: WorkflowEngine = {
      kind: 'local',
      start: (input) => workflow.start(input),
      stop: (id) => workflow.stop(id),
      sendTaskSuccess: (token, output) => workflow.sendTaskSuccess(token, output),
      resume: async (input) => {
        if (input.taskId === bad!.id) throw new Error('the engine refused the execution');
        return workflow.resume(input);
      },
    };
    const report = await resumeInterruptedTasks({ ...life, workflow: refusing });
    expect(report.resumed.map((t) => t.id)).toContain(good!.id);
    expect(report.failed.map((f) => f.task.id)).toEqual([bad!.id]);
    expect(report.failed[0]!.error).toMatch(/the engine refused the execution/);
    await workflow.idle();
    expect((await store.getTask('local', good!.id)).status).toBe('succeeded');
    expect((await store.getTask('local', bad!.id)).status).toBe('failed');
    const recorded = (await events(store, bad!.id)).find(
      (e) => e.type === 'error' && e.code === 'RecoveryFailed',
    );
    expect(recorded).toMatchObject({ message: expect.stringMatching(/the engine refused the execution/) });
  });

  it('resumes a task cut off by a host crash without repeating completed steps', async () => {
    const sandbox = new ScriptedSandbox(sampleAwareTests);
    const demo = new DemoProvider();
    let researchCalls = 0;
    let hold = true;
    const provider: ModelProvider = {
      name: 'demo',
      complete: async (req) => {
        if (req.context.employeeId === 'researcher') researchCalls++;
        if (req.context.employeeId === 'dev' && hold) await new Promise(() => {}); // the host dies here
        return demo.complete(req);
      },
    };
    const first = setup(store, { provider, sandbox });
    const task = await submitTask(first.life, 'local', {
      prompt: 'Write a slugify function with tests',
      preference: 'cheap',
    });
    await until(
      async () =>
        (await events(store, task.id)).some((e) => e.type === 'step_started' && e.stepId === 'implement'),
      'the dev step',
    );
    first.workflow.stopAll(); // the crash: the execution is gone, the task still says running
    expect((await store.getTask('local', task.id)).status).toBe('running');
    const callsBefore = researchCalls;

    hold = false;
    const second = setup(store, { provider, sandbox });
    const { resumed } = await resumeInterruptedTasks(second.life);
    expect(resumed.map((t) => t.id)).toContain(task.id);
    await second.workflow.idle();
    const done = await store.getTask('local', task.id);
    expect(done.status).toBe('succeeded');
    expect(researchCalls).toBe(callsBefore);
    const researchStarts = (await events(store, task.id)).filter(
      (e) => e.type === 'step_started' && e.stepId === 'requirements',
    );
    expect(researchStarts).toHaveLength(1);
  });
});

describe('planning, re-planning and the summary', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it('repairs a plan that wrote depends_on, so its steps run in waves, not all at once', async () => {
    const steps = [planStep('requirements', 'researcher'), planStep('implement', 'dev')];
    const { provider, calls } = scriptedSuperAgent((req) => {
      if (req.responseSchema?.name !== 'submit_plan') return undefined;
      const first = calls.filter((c) => c.responseSchema).length === 1;
      return JSON.stringify({
        summary: 'two steps',
        steps: [steps[0], { ...steps[1], [first ? 'depends_on' : 'dependsOn']: ['requirements'] }],
      });
    });
    const { workflow, life } = setup(store, { provider, sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'balanced' });
    await workflow.idle();
    expect((await store.getTask('local', task.id)).status).toBe('succeeded');
    const log = await events(store, task.id);
    const invalid = log.find((e) => e.type === 'plan_invalid');
    expect(invalid).toMatchObject({
      attempt: 1,
      problems: ["steps.1: unknown key 'depends_on' (did you mean 'dependsOn'?)"],
    });
    // The repair round shows the model the problem, and both calls asked for submit_plan.
    expect(calls[1]!.messages.at(-1)!.content).toContain(
      "unknown key 'depends_on' (did you mean 'dependsOn'?)",
    );
    expect(calls[0]!.responseSchema).toMatchObject({
      name: 'submit_plan',
      schema: { additionalProperties: false },
    });
    expect((await store.getPlan('local', task.id))!.steps[1]!.dependsOn).toEqual(['requirements']);
    // Two waves: the dev step starts only after the research step finished.
    const order = log.flatMap((e) =>
      e.type === 'step_started'
        ? [`start ${e.stepId}`]
        : e.type === 'step_finished'
          ? [`end ${e.stepId}`]
          : [],
    );
    expect(order).toEqual(['start requirements', 'end requirements', 'start implement', 'end implement']);
  });

  it('gives the planner its own prompt: the team with its tools, automatic QA review, the sandbox', async () => {
    const { provider, calls } = scriptedSuperAgent(() => undefined);
    const { workflow, life } = setup(store, { provider, sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'balanced' });
    await workflow.idle();
    const system = calls.find((c) => c.responseSchema?.name === 'submit_plan')!.system!;
    expect(system).toMatch(/- dev \(Dev\): .* Tools: workspace\.read, .*sandbox\.test\./);
    expect(system).toMatch(/Every dev step gets QA's review automatically/);
    expect(system).toMatch(/python 3\.11 with pytest/);
    expect(system).toMatch(/No network and no package installs/);
    expect(system).not.toMatch(/return a plan as JSON/i);
    // The summary has its own prompt too, and reads the evidence: files with sizes, sandbox runs.
    const summary = calls.find((c) => !c.responseSchema)!;
    expect(summary.system).toMatch(
      /Never claim a file, a feature or a passing test the evidence does not show/,
    );
    expect(summary.system).not.toContain('submit_plan');
    expect(summary.messages[0]!.content).toMatch(/^- slugify\.py \(\d+ bytes\)$/m);
    expect(summary.messages[0]!.content).toMatch(/exit 0, 4 passed, 0 failed, 0 errors/);
    expect((await store.getTask('local', task.id)).summary).toMatch(
      /is in the workspace with passing tests .* Dev fixed it in round 2\./,
    );
  });

  it('folds a qa step that only reviews the dev step into it, as an event, and runs the rest', async () => {
    const { provider } = scriptedSuperAgent((req) =>
      req.responseSchema?.name === 'submit_plan'
        ? JSON.stringify({
            steps: [
              planStep('implement', 'dev'),
              planStep('review', 'qa', { dependsOn: ['implement'], acceptance: 'Accents are handled.' }),
              planStep('notes', 'researcher', { dependsOn: ['review'] }),
            ],
          })
        : undefined,
    );
    const { workflow, life } = setup(store, { provider, sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'balanced' });
    await workflow.idle();
    expect((await store.getTask('local', task.id)).status).toBe('succeeded');
    const log = await events(store, task.id);
    expect(log.find((e) => e.type === 'plan_repaired')).toMatchObject({
      repairs: [expect.stringMatching(/^qa step 'review' only reviewed dev step 'implement'/)],
    });
    const plan = (await store.getPlan('local', task.id))!;
    expect(plan.steps.map((s) => [s.id, s.dependsOn])).toEqual([
      ['implement', []],
      ['notes', ['implement']],
    ]);
    expect(plan.steps[0]!.acceptance).toContain('Accents are handled.');
    expect(startedSteps(log)).toEqual(['implement', 'notes']);
  });

  it('fails a standalone qa step whose verdict is fail, like a rejected dev step', async () => {
    const { provider } = scriptedSuperAgent((req) =>
      req.responseSchema?.name === 'submit_plan'
        ? JSON.stringify({ steps: [planStep('audit', 'qa', { title: 'Audit the slugify function' })] })
        : undefined,
    );
    const { workflow, life } = setup(store, { provider, sandbox: new ScriptedSandbox(failingTests) });
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'balanced' });
    await workflow.idle();
    const failed = await store.getTask('local', task.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.code).toBe('StepRejected');
    expect(failed.failure?.message).toMatch(/QA rejected step 'audit' after 1 round\(s\)/);
    const log = await events(store, task.id);
    expect(log.filter((e) => e.type === 'verdict')).toHaveLength(1);
    expect(log.find((e) => e.type === 'step_finished')).toMatchObject({ stepId: 'audit', outcome: 'failed' });
    // The demo declines the re-plan, and says why.
    expect(log.find((e) => e.type === 'replan_declined')).toMatchObject({
      failedStepId: 'audit',
      failure: { code: 'StepRejected' },
      reason: expect.stringMatching(/^\[demo\] The demo model does not re-plan/),
    });
  });

  it('re-plans the rest once after a rejected step; the new steps run and the done ones are kept', async () => {
    const { provider, calls } = scriptedSuperAgent((req) =>
      req.responseSchema?.name === 'submit_replan'
        ? JSON.stringify({
            replan: true,
            reason: 'The tests keep failing; report what is missing instead.',
            steps: [planStep('report', 'researcher', { dependsOn: ['requirements'] })],
          })
        : undefined,
    );
    const { workflow, life } = setup(store, { provider, sandbox: new ScriptedSandbox(failingTests) });
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'balanced' });
    await workflow.idle();
    const done = await store.getTask('local', task.id);
    expect(done.failure).toBeUndefined();
    expect(done.status).toBe('succeeded');
    const log = await events(store, task.id);
    expect(startedSteps(log)).toEqual(['requirements', 'implement', 'report']);
    const replanned = log.filter((e) => e.type === 'replanned');
    expect(replanned).toHaveLength(1);
    expect(replanned[0]).toMatchObject({
      failedStepId: 'implement',
      failure: { code: 'StepRejected' },
      reason: 'The tests keep failing; report what is missing instead.',
      steps: [{ id: 'report' }],
    });
    const plan = (await store.getPlan('local', task.id))!;
    expect(plan.steps.map((s) => s.id)).toEqual(['requirements', 'report']);
    expect(plan.revision).toBe(2);
    // The Super Agent saw which step failed, why, QA's findings and the workspace.
    const replan = calls.find((c) => c.responseSchema?.name === 'submit_replan')!;
    expect(replan.messages[0]!.content).toMatch(/Step 'implement' \(dev\) failed: StepRejected/);
    expect(replan.messages[0]!.content).toMatch(/QA's findings: The tests fail in the sandbox/);
    expect(replan.messages[0]!.content).toMatch(/^- test_slugify\.py \(\d+ bytes\)$/m);
    // The summary does not claim passing tests that never passed.
    expect(done.summary).toMatch(/is not done: .* the tests did not pass in the sandbox/);
  });

  it('fails the task when a step of the new plan fails too: a task re-plans once', async () => {
    const { provider, calls } = scriptedSuperAgent((req) =>
      req.responseSchema?.name === 'submit_replan'
        ? JSON.stringify({
            replan: true,
            reason: 'Try again with a smaller step.',
            steps: [planStep('implement-again', 'dev', { dependsOn: ['requirements'] })],
          })
        : undefined,
    );
    const { workflow, life } = setup(store, { provider, sandbox: new ScriptedSandbox(failingTests) });
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'cheap' });
    await workflow.idle();
    const failed = await store.getTask('local', task.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.message).toMatch(/QA rejected step 'implement-again' after 3 round\(s\)/);
    expect(calls.filter((c) => c.responseSchema?.name === 'submit_replan')).toHaveLength(1);
    const log = await events(store, task.id);
    expect(log.filter((e) => e.type === 'replanned')).toHaveLength(1);
    expect(startedSteps(log)).toEqual(['requirements', 'implement', 'implement-again']);
  });

  it('declines a second re-plan of a resumed task, and any failure a new plan cannot mend', async () => {
    const { deps } = setup(store);
    const task = (await store.createTask('local', { prompt: SLUGIFY, preference: 'cheap' }))!;
    await store.transitionTask('local', task.id, 'planning');
    await store.transitionTask('local', task.id, 'running');
    const ids = { tenantId: 'local', taskId: task.id };
    const rejected = { Error: 'StepRejected', Cause: "QA rejected step 'implement' after 3 round(s)" };
    await store.savePlan('local', task.id, {
      summary: '',
      steps: [planStep('implement', 'dev')],
    });
    expect(
      await replan(deps, { ...ids, error: { Error: 'SandboxFailed', Cause: 'the runner died' } }),
    ).toEqual({
      replanned: false,
      waves: [],
    });
    await store.savePlan('local', task.id, {
      summary: '',
      steps: [planStep('implement', 'dev')],
      revision: 2,
    });
    expect(await replan(deps, { ...ids, error: rejected })).toEqual({ replanned: false, waves: [] });
    const declined = (await events(store, task.id)).filter((e) => e.type === 'replan_declined');
    expect(declined.map((e) => e.type === 'replan_declined' && e.reason)).toEqual([
      'a SandboxFailed failure is not one a new plan can mend',
      'the task was already re-planned once',
    ]);
  });

  it('never re-plans when the budget is exhausted', async () => {
    const demo = new DemoProvider();
    const seen: string[] = [];
    const provider: ModelProvider = {
      name: 'demo',
      complete: async (req) => {
        seen.push(req.responseSchema?.name ?? req.context.employeeId);
        if (req.context.employeeId === 'dev') throw new BudgetExceeded('task', 10, 500, DEMO_MODEL);
        return demo.complete(req);
      },
    };
    const { workflow, life } = setup(store, { provider, sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', { prompt: SLUGIFY, preference: 'balanced' });
    await workflow.idle();
    const failed = await store.getTask('local', task.id);
    expect(failed.status).toBe('failed');
    expect(failed.failure?.code).toBe('BudgetExceeded');
    expect(seen).not.toContain('submit_replan');
    const log = await events(store, task.id);
    expect(log.some((e) => e.type === 'replanned' || e.type === 'replan_declined')).toBe(false);
  });

  it('is honest about a task that is not a sample: one step says what the demo can do, and nothing is claimed', async () => {
    const { workflow, life, deps } = setup(store, { sandbox: new ScriptedSandbox(sampleAwareTests) });
    const task = await submitTask(life, 'local', {
      prompt: 'Build a todo app with a REST API',
      preference: 'balanced',
    });
    await workflow.idle();
    const done = await store.getTask('local', task.id);
    expect(done.status).toBe('succeeded');
    const plan = (await store.getPlan('local', task.id))!;
    expect(plan.steps.map((s) => s.id)).toEqual(['explain']);
    expect(plan.steps[0]!.title).toBe('Say what the demo model can do');
    expect(await deps.workspaceFor('local', task.id).list()).toEqual([]);
    expect(done.summary).toMatch(/^\[demo\] Nothing was built for this task/);
    expect(done.summary).toMatch(/No file was written and no code was run\./);
    expect(done.summary).not.toMatch(/slugify\.py|csv_to_json|with passing tests/);
  });
});
