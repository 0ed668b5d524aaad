import { type AgentOutcome, type FinishTool, PAUSE_MARGIN_MS, runAgent } from '../../agents/agent-loop';
import { clipOutput } from '../../agents/clip';
import { DeltaStream } from '../../agents/delta-stream';
import type { Toolbox, ToolOutcome } from '../../agents/toolbox';
import type { ToolContext } from '../../agents/tools';
import type { StepResult } from '../../domain';
import type { ToolCall } from '../../gateway/types';
// By path, not the folder's index (functions/README.md, the bundling rule).
import { diffFiles } from '../../workspace/diff';
import type { Workspace } from '../../workspace/workspace';
import { MAX_DEV_ROUNDS, type WorkflowDeps } from '../deps';
import { StepStuck } from '../errors';
import {
  type Continuation,
  checkpointScope,
  type Invocation,
  sandboxWithin,
  storedCheckpoints,
} from './invocation';
import { devRoundBrief, qaReviewBrief } from './round-briefs';
import {
  finishStep,
  loadStep,
  profileFor,
  type StepContext,
  type StepInput,
  StepRejected,
  stepPrompt,
  watchTask,
} from './step-context';
import { filesWithScratch, inScratch, QA_SCRATCH, stepBaseline } from './step-workspace';
import { submitVerdict, type Verdict } from './verdict-tool';

interface EmployeeTurn {
  employee: string;
  prompt: string;
  workspace: Workspace;
  /** What workspace.diff compares against. */
  baseline: Record<string, string>;
  /** QA's probe folder: it writes only there, and no one else sees it. */
  scratch?: string;
  finish?: FinishTool;
  /** Where the turn keeps its checkpoint (`checkpointScope`). */
  scope: string;
  /** The invocation running the turn: its remaining time pauses the turn; absent, no ceiling. */
  invocation?: Invocation;
}

interface TurnResult {
  outcome: AgentOutcome;
  /** The output of the last sandbox.test / sandbox.exec of the turn: what the tests said. */
  lastRun?: string;
}

const SANDBOX_TOOLS = new Set(['sandbox_test', 'sandbox_exec', 'sandbox.test', 'sandbox.exec']);

/** The toolbox as the turn uses it: it remembers the last sandbox output (what the tests said). */
function watchedToolbox(toolbox: Toolbox, seen: { lastRun?: string }): Toolbox {
  const view = Object.create(toolbox) as Toolbox;
  view.call = async (call: ToolCall): Promise<ToolOutcome> => {
    const outcome = await toolbox.call(call);
    if (SANDBOX_TOOLS.has(call.name)) seen.lastRun = outcome.output;
    return outcome;
  };
  return view;
}

/** One employee works on the step in its agent loop, with its tools, until it answers or gives up. */
async function employeeTurn(deps: WorkflowDeps, ctx: StepContext, turn: EmployeeTurn): Promise<TurnResult> {
  const { tenantId, id: taskId } = ctx.task;
  const profile = profileFor(ctx, turn.employee);
  const { invocation } = turn;
  const marginMs = deps.pauseMarginMs ?? PAUSE_MARGIN_MS;
  const sandbox =
    deps.sandbox && invocation ? sandboxWithin(deps.sandbox, invocation, marginMs) : deps.sandbox;
  // The MCP SDK (client, server and the tools' schemas) is imported here, not at module load:
  // its parse then counts against the first step a container runs, not against its init.
  const [{ Toolbox }, { mcpTransport }] = await Promise.all([
    import('../../agents/toolbox'),
    import('../../agents/mcp-transport'),
  ]);
  // Aborted by a cancel, here or in another process (a poll of the task's status).
  const watch = watchTask(deps, ctx.task);
  const { signal } = watch;
  const toolContext: ToolContext = {
    store: deps.store,
    tenantId,
    taskId,
    stepId: ctx.step.id,
    employee: turn.employee,
    workspace: turn.workspace,
    ...(sandbox ? { sandbox } : {}),
    baseline: turn.baseline,
    ...(turn.scratch ? { scratch: turn.scratch } : {}),
    ...(signal ? { signal } : {}),
    ...(deps.memory ? { memory: deps.memory } : {}),
  };
  const toolbox = await Toolbox.open(
    toolContext,
    profile.tools,
    profile.mcpServers.map((m) => ({ name: m.name, transport: mcpTransport(m) })),
  ).catch((e: unknown) => {
    watch.stop();
    throw e;
  });
  const seen: { lastRun?: string } = {};
  // The employee's words reach followers as they come (transient, coalesced delta items).
  const deltas = new DeltaStream({
    store: deps.store,
    tenantId,
    taskId,
    stepId: ctx.step.id,
    employee: turn.employee,
  });
  try {
    const outcome = await runAgent({
      store: deps.store,
      models: deps.models,
      task: ctx.task,
      stepId: ctx.step.id,
      profile,
      prompt: turn.prompt,
      toolbox: watchedToolbox(toolbox, seen),
      ...(turn.finish ? { finish: turn.finish } : {}),
      ...(signal ? { signal } : {}),
      onDelta: (text) => deltas.push(text),
      flushDeltas: () => deltas.flush(),
      checkpoints: storedCheckpoints(deps.store, tenantId, taskId, turn.scope),
      pauseMarginMs: marginMs,
      carried: {
        get: () => seen.lastRun,
        set: (lastRun) => {
          if (typeof lastRun === 'string') seen.lastRun = lastRun;
        },
      },
      ...(invocation ? { remainingMs: () => invocation.getRemainingTimeInMillis() } : {}),
    });
    return { outcome, ...(seen.lastRun !== undefined ? { lastRun: seen.lastRun } : {}) };
  } finally {
    watch.stop();
    await deltas.close();
    await toolbox.close();
  }
}

/** QA's verdict of a review turn: what it submitted, or a fail saying why there was none. */
function verdictOf({ outcome }: TurnResult): Verdict {
  if (outcome.submitted) return outcome.submitted as Verdict;
  const why = outcome.stuck ?? `it answered without calling submit_verdict: ${outcome.text.slice(0, 300)}`;
  return { verdict: 'fail', findings: `QA ended its review without a verdict (${why})`, failingTests: [] };
}

/**
 * QA reviews the step's work: the diff since `baselineOf`'s snapshot, Dev's tests, its own probes.
 * Undefined when the review paused (the invocation ran short of time): it goes on when run again.
 */
async function review(
  deps: WorkflowDeps,
  ctx: StepContext,
  baselineOf: string,
  brief: string[],
  at: { scope: string; invocation: Invocation | undefined },
) {
  const { tenantId, id: taskId } = ctx.task;
  const workspace = deps.workspaceFor(tenantId, taskId);
  const baseline = await stepBaseline(workspace, baselineOf);
  const turn = await employeeTurn(deps, ctx, {
    employee: 'qa',
    prompt: stepPrompt(ctx, brief),
    workspace,
    baseline,
    scratch: QA_SCRATCH,
    finish: submitVerdict,
    scope: at.scope,
    ...(at.invocation ? { invocation: at.invocation } : {}),
  });
  if (turn.outcome.paused) return undefined;
  return { verdict: verdictOf(turn), testOutput: turn.lastRun };
}

/** What a state answers when its turn paused: the state machine runs the state again. */
const paused = (scope: string): Continuation => ({ continue: true, checkpoint: scope });

/** Whose snapshot a review's diff starts from: a standalone qa step's is the dev step it checks. */
function baselineStep(ctx: StepContext): string {
  if (ctx.step.employee !== 'qa') return ctx.step.id;
  const devStep = ctx.step.dependsOn.find((d) => ctx.results.some((r) => r.stepId === d && r.round));
  return devStep ?? ctx.step.id;
}

/** RunEmployee: a non-dev employee does the step in its agent loop; a QA step's fail fails the step. */
export async function runEmployee(
  deps: WorkflowDeps,
  input: StepInput,
  invocation?: Invocation,
): Promise<{ stepId: string } & Continuation> {
  const ctx = await loadStep(deps, input, `run step '${input.stepId}'`);
  const scope = checkpointScope(ctx.step.id, 'RunEmployee');
  if (ctx.step.employee === 'qa') {
    const reviewed = await review(deps, ctx, baselineStep(ctx), qaReviewBrief(1, 1, ''), {
      scope,
      invocation,
    });
    if (!reviewed) return { stepId: ctx.step.id, ...paused(scope) };
    const { verdict } = reviewed;
    await recordVerdict(deps, ctx, 1, verdict);
    if (verdict.verdict === 'fail') {
      await finishStep(deps, ctx, { status: 'failed', output: '', round: 1, findings: verdict.findings });
      throw new StepRejected(ctx.step.id, 1, verdict.findings);
    }
    await finishStep(deps, ctx, {
      status: 'succeeded',
      output: verdict.findings,
      findings: verdict.findings,
    });
    return { stepId: ctx.step.id, continue: false };
  }
  const { tenantId, id: taskId } = ctx.task;
  const workspace = deps.workspaceFor(tenantId, taskId);
  const profile = profileFor(ctx, ctx.step.employee);
  const { outcome } = await employeeTurn(deps, ctx, {
    employee: ctx.step.employee,
    prompt: stepPrompt(ctx),
    workspace,
    // Only an employee that can ask for a diff needs the workspace as the step found it.
    baseline: profile.tools.includes('workspace.diff') ? await workspace.files() : {},
    scope,
    ...(invocation ? { invocation } : {}),
  });
  if (outcome.paused) return { stepId: ctx.step.id, ...paused(scope) };
  // A turn that gave up with nothing to hand on is a failed step: the Super Agent may re-plan.
  if (outcome.stuck && !outcome.text.trim()) {
    await finishStep(deps, ctx, { status: 'failed', output: '', findings: outcome.stuck });
    throw new StepStuck(ctx.step.id, outcome.stuck);
  }
  await finishStep(deps, ctx, { status: 'succeeded', output: handedOver(outcome) });
  return { stepId: ctx.step.id, continue: false };
}

/**
 * What a turn hands to the next stage. A turn that gave up (stuck in a loop, out of iterations)
 * hands on what it has, saying why, instead of failing the task: the next stage decides what
 * that is worth.
 */
export function handedOver(outcome: AgentOutcome): string {
  if (!outcome.stuck) return outcome.text;
  return `${outcome.text}${outcome.text ? '\n\n' : ''}(gave up: ${outcome.stuck})`;
}

/** The review fields of a stored result, carried over when Dev saves its next round. */
function reviewOf(r: StepResult | undefined): Partial<StepResult> {
  if (!r) return {};
  const { findings, reviewedRound, failingTests, testOutput, startedAt } = r;
  return Object.fromEntries(
    Object.entries({ findings, reviewedRound, failingTests, testOutput, startedAt }).filter(
      ([, v]) => v !== undefined,
    ),
  );
}

/**
 * DevAttempt: Dev works on the step. Round one takes the step's baseline snapshot; from round two
 * on, Dev is given its last report, QA's findings, the failing tests' output, QA's probes and the
 * diff of the step so far.
 */
export async function devAttempt(
  deps: WorkflowDeps,
  input: StepInput & { round: number },
  invocation?: Invocation,
): Promise<{ round: number } & Continuation> {
  const ctx = await loadStep(deps, input, `run step '${input.stepId}'`);
  const scope = checkpointScope(ctx.step.id, 'DevAttempt', input.round);
  const { tenantId, id: taskId } = ctx.task;
  const previous = ctx.results.find((r) => r.stepId === input.stepId);
  const workspace = deps.workspaceFor(tenantId, taskId);
  const baseline = await stepBaseline(workspace, ctx.step.id);
  const files = Object.entries(input.round > 1 ? await filesWithScratch(workspace) : {});
  const brief = devRoundBrief({
    round: input.round,
    maxRounds: Math.max(MAX_DEV_ROUNDS, input.round),
    previous,
    probes: Object.fromEntries(files.filter(([p]) => inScratch(p))),
    diff:
      input.round > 1 ? diffFiles(baseline, Object.fromEntries(files.filter(([p]) => !inScratch(p)))) : '',
  });
  const { outcome } = await employeeTurn(deps, ctx, {
    employee: 'dev',
    prompt: stepPrompt(ctx, brief),
    workspace,
    baseline,
    scope,
    ...(invocation ? { invocation } : {}),
  });
  if (outcome.paused) return { round: input.round, ...paused(scope) };
  const output = handedOver(outcome);
  await deps.store.saveStepResult(tenantId, taskId, {
    ...reviewOf(previous),
    stepId: ctx.step.id,
    status: 'running',
    output,
    round: input.round,
  });
  await deps.store.appendEvent(tenantId, taskId, {
    type: 'handoff',
    stepId: ctx.step.id,
    from: 'dev',
    to: 'qa',
    note: `round ${input.round}: ${output.split('\n')[0] ?? ''}`,
  });
  return { round: input.round, continue: false };
}

async function recordVerdict(deps: WorkflowDeps, ctx: StepContext, round: number, verdict: Verdict) {
  await deps.store.appendEvent(ctx.task.tenantId, ctx.task.id, {
    type: 'verdict',
    stepId: ctx.step.id,
    employee: 'qa',
    round,
    passed: verdict.verdict === 'pass',
    findings: verdict.findings,
  });
}

/** QAReview: QA reviews Dev's round (the step's diff, Dev's tests, its own probes) and submits a verdict. */
export async function qaReview(
  deps: WorkflowDeps,
  input: StepInput & { round: number; maxRounds: number },
  invocation?: Invocation,
): Promise<{ passed: boolean } & Continuation> {
  const ctx = await loadStep(deps, input, `review step '${input.stepId}'`);
  const attempt = ctx.results.find((r) => r.stepId === input.stepId);
  const scope = checkpointScope(ctx.step.id, 'QAReview', input.round);
  const reviewed = await review(
    deps,
    ctx,
    baselineStep(ctx),
    qaReviewBrief(input.round, input.maxRounds, attempt?.output ?? ''),
    { scope, invocation },
  );
  if (!reviewed) return { passed: false, ...paused(scope) };
  const { verdict, testOutput } = reviewed;
  const passed = verdict.verdict === 'pass';
  await recordVerdict(deps, ctx, input.round, verdict);
  const result = {
    output: attempt?.output ?? '',
    round: input.round,
    reviewedRound: input.round,
    findings: verdict.findings,
    ...(verdict.failingTests.length ? { failingTests: verdict.failingTests } : {}),
    ...(testOutput ? { testOutput: clipOutput(testOutput, 4_000, { headShare: 0.3 }) } : {}),
    ...(attempt?.startedAt ? { startedAt: attempt.startedAt } : {}),
  };
  if (passed) {
    await finishStep(deps, ctx, { ...result, status: 'succeeded' });
  } else {
    await deps.store.saveStepResult(ctx.task.tenantId, ctx.task.id, {
      ...result,
      stepId: ctx.step.id,
      status: 'running',
    });
    if (input.round < input.maxRounds) {
      await deps.store.appendEvent(ctx.task.tenantId, ctx.task.id, {
        type: 'handoff',
        stepId: ctx.step.id,
        from: 'qa',
        to: 'dev',
        note: verdict.findings,
      });
    }
  }
  return { passed, continue: false };
}
