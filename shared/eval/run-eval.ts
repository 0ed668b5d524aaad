import type { Task, TaskStatus } from '../domain';
import { isTerminal } from '../domain';
import type { Sandbox } from '../sandbox';
import { type Grade, gradeCompletion, gradeFiles } from './grading';
import type { HumanEvalProblem } from './humaneval';
import { codeOfAnswer, teamPrompt } from './prompts';

/** How the harness reaches the team: submit a task, watch it, cancel it, read its files. */
export interface EvalTeam {
  submit(input: { prompt: string; title: string; budgetUsd?: number }): Promise<string>;
  task(taskId: string): Promise<Task>;
  cancel(taskId: string): Promise<void>;
  /** The task's workspace, path → text. */
  files(taskId: string): Promise<Record<string, string>>;
}

export interface BaselineAnswer {
  text: string;
  tokens: number;
  costMicroUsd: number;
  model: string;
}

/** One completion of the same model for the problem, with no team around it. */
export interface EvalBaseline {
  complete(
    problem: HumanEvalProblem,
    options: { signal: AbortSignal; budgetUsd?: number },
  ): Promise<BaselineAnswer>;
}

/**
 * How a problem ended. `solved`: the team said done and the hidden tests pass. `wrong`:
 * the team said done and they fail (a QA false-accept). `failed`: the team did not finish
 * (its reason; the files are still graded, to count false-rejects). `timed_out`: the
 * per-problem deadline passed and the task was cancelled.
 */
export type ProblemStatus = 'solved' | 'wrong' | 'failed' | 'timed_out';

export interface BaselineResult {
  passed: boolean;
  /** Why not, or 'passes the hidden tests'. */
  reason: string;
  tokens: number;
  costMicroUsd: number;
  wallMs: number;
  model?: string;
}

export interface ProblemResult {
  problem: string;
  taskId?: string;
  status: ProblemStatus;
  /** The status in words: 'solved', 'wrong: <why>', 'failed: <why>', 'timed out after 600 s'. */
  label: string;
  /** What the team's task ended as ('not submitted' when it never started). */
  teamStatus: TaskStatus | 'not submitted' | 'unknown';
  /** The team's files against the hidden tests. */
  hidden: Grade;
  tokens: number;
  costMicroUsd: number;
  wallMs: number;
  baseline?: BaselineResult;
}

export interface EvalRunOptions {
  problems: HumanEvalProblem[];
  team: EvalTeam;
  baseline?: EvalBaseline;
  /** Where the hidden tests run. */
  sandbox: Sandbox;
  /** Problems in flight at once. */
  concurrency: number;
  /** The longest a problem's task may run before it is cancelled and reported as timed out. */
  deadlineMs: number;
  /** The most the whole run may spend, split evenly over the problems. */
  budgetUsd?: number;
  pollMs?: number;
  /**
   * Stops the run (Ctrl-C): no new problem starts, tasks in flight are cancelled and reported
   * as failed, and only the problems that started are returned.
   */
  signal?: AbortSignal;
  /** Called as each problem ends, in the order they end. */
  onResult?: (result: ProblemResult) => void;
  now?: () => number;
}

const totalTokens = (t: Task['totals']) => t.inputTokens + t.outputTokens + t.cachedInputTokens;
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends every problem through the team (and the baseline), grades each, and returns them in problem order. */
export async function runHumanEval(options: EvalRunOptions): Promise<ProblemResult[]> {
  const results: (ProblemResult | undefined)[] = new Array(options.problems.length);
  let next = 0;
  const worker = async () => {
    while (next < options.problems.length && !options.signal?.aborted) {
      const index = next++;
      const result = await runProblem(options, options.problems[index]!);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, options.problems.length)) }, worker),
  );
  return results.filter((r): r is ProblemResult => r !== undefined);
}

async function runBaseline(
  options: EvalRunOptions,
  problem: HumanEvalProblem,
  budgetUsd: number | undefined,
): Promise<BaselineResult | undefined> {
  if (!options.baseline) return undefined;
  const now = options.now ?? Date.now;
  const started = now();
  try {
    const answer = await options.baseline.complete(problem, {
      signal: options.signal
        ? AbortSignal.any([options.signal, AbortSignal.timeout(options.deadlineMs)])
        : AbortSignal.timeout(options.deadlineMs),
      ...(budgetUsd !== undefined ? { budgetUsd } : {}),
    });
    const grade = answer.text.trim()
      ? await gradeCompletion(options.sandbox, problem, codeOfAnswer(answer.text, problem.entry_point))
      : { passed: false, reason: 'the answer was empty' };
    return {
      passed: grade.passed,
      reason: grade.reason,
      tokens: answer.tokens,
      costMicroUsd: answer.costMicroUsd,
      wallMs: now() - started,
      model: answer.model,
    };
  } catch (e) {
    return {
      passed: false,
      reason: `the call failed: ${message(e)}`,
      tokens: 0,
      costMicroUsd: 0,
      wallMs: now() - started,
    };
  }
}

/** Polls the task until it ends or the deadline passes; then cancels it and waits a little for the end. */
async function awaitTask(
  options: EvalRunOptions,
  taskId: string,
  deadline: number,
): Promise<{ task: Task; timedOut: boolean; interrupted: boolean }> {
  const now = options.now ?? Date.now;
  const poll = options.pollMs ?? 250;
  for (;;) {
    const task = await options.team.task(taskId);
    if (isTerminal(task.status)) return { task, timedOut: false, interrupted: false };
    if (now() >= deadline || options.signal?.aborted) break;
    await delay(poll);
  }
  const interrupted = options.signal?.aborted === true;
  await options.team.cancel(taskId).catch(() => undefined);
  // A cancel ends the run within a turn; a run that ends anyway is reported as timed out,
  // unless it succeeded in the moment between the last look and the cancel.
  const settle = now() + 15_000;
  for (;;) {
    const task = await options.team.task(taskId);
    if (task.status === 'succeeded') return { task, timedOut: false, interrupted: false };
    if (isTerminal(task.status) || now() >= settle) return { task, timedOut: !interrupted, interrupted };
    await delay(poll);
  }
}

async function runProblem(options: EvalRunOptions, problem: HumanEvalProblem): Promise<ProblemResult> {
  const now = options.now ?? Date.now;
  const share = options.budgetUsd !== undefined ? options.budgetUsd / options.problems.length : undefined;
  const baseline = await runBaseline(options, problem, share);
  const teamBudget = share !== undefined ? share - (baseline?.costMicroUsd ?? 0) / 1e6 : undefined;
  const base = {
    problem: problem.task_id,
    ...(baseline ? { baseline } : {}),
  };
  if (teamBudget !== undefined && teamBudget <= 0) {
    const reason = 'no budget was left for the team after the baseline call';
    return {
      ...base,
      status: 'failed',
      label: `failed: ${reason}`,
      teamStatus: 'not submitted',
      hidden: { passed: false, reason },
      tokens: 0,
      costMicroUsd: 0,
      wallMs: 0,
    };
  }
  const started = now();
  let taskId: string | undefined;
  try {
    taskId = await options.team.submit({
      prompt: teamPrompt(problem),
      title: `${problem.task_id}: ${problem.entry_point}`,
      ...(teamBudget !== undefined ? { budgetUsd: teamBudget } : {}),
    });
    const { task, timedOut, interrupted } = await awaitTask(options, taskId, started + options.deadlineMs);
    const wallMs = now() - started;
    const hidden = await gradeFiles(options.sandbox, problem, await options.team.files(taskId));
    const spent = { tokens: totalTokens(task.totals), costMicroUsd: task.totals.costMicroUsd, wallMs };
    const ended = { ...base, taskId, teamStatus: task.status, hidden, ...spent };
    if (interrupted) {
      return { ...ended, status: 'failed', label: 'failed: the eval was interrupted and the task cancelled' };
    }
    if (timedOut) {
      return { ...ended, status: 'timed_out', label: `timed out after ${seconds(options.deadlineMs)}` };
    }
    if (task.status === 'succeeded') {
      return hidden.passed
        ? { ...ended, status: 'solved', label: 'solved' }
        : { ...ended, status: 'wrong', label: `wrong: ${hidden.reason}` };
    }
    const why = task.failure
      ? `${task.failure.code}: ${task.failure.message}`
      : `the task was ${task.status}`;
    return { ...ended, status: 'failed', label: `failed: ${why}` };
  } catch (e) {
    const reason = `the harness could not run the task: ${message(e)}`;
    if (taskId) await options.team.cancel(taskId).catch(() => undefined);
    return {
      ...base,
      ...(taskId ? { taskId } : {}),
      status: 'failed',
      label: `failed: ${reason}`,
      teamStatus: taskId ? 'unknown' : 'not submitted',
      hidden: { passed: false, reason },
      tokens: 0,
      costMicroUsd: 0,
      wallMs: now() - started,
    };
  }
}
