import { teamOf } from '../../agents';
import { TaskStopped } from '../../agents/agent-loop';
import { type EmployeeProfile, onTeam, type PlanStep, type StepResult, type Task } from '../../domain';
import { NotFound, TechteamError } from '../../errors';
import { readTaskStatus } from '../../store/task-status';
import type { WorkflowInput } from '../definition';
import type { WorkflowDeps } from '../deps';
import { TaskNotRunnable } from '../errors';
import { planWaves } from '../plan-waves';

export interface StepInput extends WorkflowInput {
  stepId: string;
}

export class StepRejected extends TechteamError {
  constructor(stepId: string, rounds: number, findings: string) {
    super('StepRejected', 422, `QA rejected step '${stepId}' after ${rounds} round(s): ${findings}`, {
      stepId,
      rounds,
    });
  }
}

export interface StepContext {
  team: EmployeeProfile[];
  task: Task;
  step: PlanStep;
  results: StepResult[];
  order: string[];
}

export async function loadStep(
  { store, builtInEmployees }: WorkflowDeps,
  input: StepInput,
  action: string,
): Promise<StepContext> {
  const { tenantId, taskId, stepId } = input;
  // Every step state starts here, twice per step: one query for the task, its plan and its
  // results, beside the team, instead of four round trips one after another.
  const [run, roster] = await Promise.all([
    store.getTaskRun(tenantId, taskId),
    teamOf(store, tenantId, builtInEmployees),
  ]);
  const { task, results } = run;
  // Only the task's team may work on it (a plan for anyone else never got past Plan or approval).
  const team = roster.filter((p) => onTeam(task, p.id));
  if (task.status !== 'running') throw new TaskNotRunnable(taskId, task.status, action);
  const plan = run.plan?.plan;
  if (!plan) throw new NotFound('plan of task', taskId);
  const step = plan.steps.find((s) => s.id === stepId);
  if (!step) throw new NotFound('plan step', stepId);
  return {
    team,
    task,
    step,
    results,
    order: planWaves(
      plan,
      team.map((p) => p.id),
    ).flat(),
  };
}

export function profileFor(ctx: StepContext, employee: string): EmployeeProfile {
  const profile = ctx.team.find((p) => p.id === employee);
  if (!profile) throw new NotFound('employee', employee);
  return profile;
}

/** The person's notes on the task (given with a resume), for every employee's and the planner's prompt. */
export function notesFor(task: Pick<Task, 'notes'>): string[] {
  const notes = task.notes ?? [];
  if (!notes.length) return [];
  return [
    '',
    'Guidance from the person who owns this task (it overrides the plan where they disagree):',
    ...notes.map((n) => `- (${n.at.slice(0, 16).replace('T', ' ')} UTC) ${n.text}`),
  ];
}

export function stepPrompt(ctx: StepContext, extra: string[] = []): string {
  const { task, step, results } = ctx;
  const parts = [
    step.instructions,
    '',
    `Step: ${step.title}`,
    `Acceptance: ${step.acceptance || 'the step is done as instructed'}`,
    `The whole task: ${task.prompt}`,
    ...notesFor(task),
    ...extra,
  ];
  const inputs = step.dependsOn
    .map((d) => results.find((r) => r.stepId === d))
    .filter(Boolean) as StepResult[];
  if (inputs.length) {
    parts.push('', 'Results of the steps this one depends on:');
    for (const r of inputs) parts.push(`## ${r.stepId}`, r.output);
  }
  return parts.join('\n');
}

export async function finishStep(
  deps: WorkflowDeps,
  ctx: StepContext,
  result: Omit<StepResult, 'stepId'>,
): Promise<void> {
  const { store } = deps;
  const { tenantId, id: taskId } = ctx.task;
  await store.saveStepResult(tenantId, taskId, {
    ...result,
    stepId: ctx.step.id,
    finishedAt: new Date().toISOString(),
  });
  if (result.status === 'succeeded') {
    // Counted after our own save, from the results as they are now (steps of a wave finish in
    // parallel): of the writers, the last to save counts every step, and no count lowers another.
    const steps = new Set(ctx.order);
    const done = (await store.listStepResults(tenantId, taskId)).filter(
      (r) => r.status === 'succeeded' && steps.has(r.stepId),
    ).length;
    await store.raiseStepsDone(tenantId, taskId, done);
  }
  await store.appendEvent(tenantId, taskId, {
    type: 'step_finished',
    stepId: ctx.step.id,
    employee: ctx.step.employee,
    outcome: result.status === 'succeeded' ? 'succeeded' : 'failed',
    summary: (result.findings ?? result.output).split('\n')[0] ?? '',
  });
}

/** How often a working step reads its task's status when the runtime does not say. */
export const DEFAULT_CANCEL_POLL_MS = 5_000;

/** The signal a step's work runs under, and how to stop watching once the work is done. */
export interface TaskWatch {
  signal: AbortSignal;
  stop(): void;
}

/**
 * The signal an employee's turn runs under (its model calls, tool calls and sandbox jobs). A
 * cancel in this process aborts it at once (`deps.signals`); one made anywhere else (on AWS the
 * cancel runs in the API's Lambda) within `cancelPollMs`: the step reads its task's status
 * (one projected GetItem) that often while it works, and aborts when it is no longer running.
 */
export function watchTask(deps: WorkflowDeps, task: Pick<StepContext['task'], 'tenantId' | 'id'>): TaskWatch {
  const stopped = new AbortController();
  const local = deps.signals?.for(task.id);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    // A failed read (throttling) is not a cancel: the next poll asks again.
    const status = await readTaskStatus(deps.store, task.tenantId, task.id).catch(() => 'running' as const);
    if (stopped.signal.aborted || timer === undefined) return;
    if (status !== 'running') stopped.abort(new TaskStopped(task.id, status ?? 'deleted'));
    else schedule();
  };
  const schedule = () => {
    timer = setTimeout(poll, deps.cancelPollMs ?? DEFAULT_CANCEL_POLL_MS);
    // The watch never keeps a process alive on its own.
    timer.unref?.();
  };
  schedule();
  return {
    signal: local ? AbortSignal.any([local, stopped.signal]) : stopped.signal,
    stop: () => {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
