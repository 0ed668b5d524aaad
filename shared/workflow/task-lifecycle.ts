import { teamForTask } from '../agents';
import type { SandboxRunners } from '../agents/sandbox-port';
import { type CreateTaskInput, isTerminal, Plan, type Task, TaskNote, type TaskPreference } from '../domain';
import { parseInput } from '../domain/parse';
import { ConcurrentUpdate, IllegalTransition, InvalidInput, NotFound } from '../errors';
import { RateLimited } from '../identity/errors';
import { MAX_PLAN_BYTES, RunningTaskCapReached, type Store } from '../store';
import { raiseTaskBudget } from '../store/task-budget';
import type { TaskSignals } from './deps';
import type { WorkflowEngine } from './engines/engine';
import { PlanInvalid, TaskNotRunnable, WorkflowStartFailed } from './errors';
import { planProblems } from './plan-waves';

export interface LifecycleDeps {
  store: Store;
  workflow: WorkflowEngine;
  signals?: TaskSignals;
  sandboxRunners?: SandboxRunners;
}

async function startExecution({ store, workflow }: LifecycleDeps, task: Task, resume = false): Promise<Task> {
  const { tenantId, id } = task;
  try {
    const input = { tenantId, taskId: id };
    const { executionId } = resume ? await workflow.resume(input) : await workflow.start(input);
    await store.updateTask(tenantId, id, { executionId });
  } catch (e) {
    const message = (e as Error).message;
    const now = await store.getTask(tenantId, id);
    if (!isTerminal(now.status)) {
      await store.transitionTask(tenantId, id, 'failed', {
        from: now.status,
        failure: { code: 'WorkflowStartFailed', message },
        reason: message,
        // The error rides in the same write: task_finished closes the log to anything after it.
        events: [
          ...(resume
            ? [
                {
                  type: 'error' as const,
                  code: 'RecoveryFailed',
                  message: `The host restarted but could not resume this task: ${message}`,
                },
              ]
            : []),
          { type: 'task_finished', status: 'failed', summary: message },
        ],
      });
    }
    throw new WorkflowStartFailed(id, message);
  }
  return store.getTask(tenantId, id);
}

/**
 * Creates a task and starts its run. If the run cannot start, the task is marked failed, never left
 * queued. With `runningTaskCap`, a tenant at its cap is refused with a 429 naming the limit, decided
 * atomically with the creation (two concurrent creates cannot both take the last place).
 */
export async function submitTask(
  deps: LifecycleDeps,
  tenantId: string,
  input: CreateTaskInput & { preference: TaskPreference },
  opts: { runningTaskCap?: number; plan?: string } = {},
): Promise<Task> {
  let task: Task;
  try {
    task = await deps.store.createTask(
      tenantId,
      input,
      opts.runningTaskCap !== undefined ? { runningTaskCap: opts.runningTaskCap } : {},
    );
  } catch (e) {
    if (e instanceof RunningTaskCapReached) throw new RateLimited('running_tasks', e.cap, 30, opts.plan);
    throw e;
  }
  return startExecution(deps, task);
}

/**
 * Cancels a task that has not ended: marks it cancelled, kills its sandbox jobs, stops its
 * execution (a stopped execution runs no FinalizeTask or MarkTaskFailed) and ends its sandbox run.
 */
export async function cancelTask(
  { store, workflow, signals, sandboxRunners }: LifecycleDeps,
  tenantId: string,
  taskId: string,
) {
  for (let attempt = 0; ; attempt++) {
    const task = await store.getTask(tenantId, taskId);
    if (isTerminal(task.status)) throw new IllegalTransition(taskId, task.status, 'cancelled');
    try {
      await store.transitionTask(tenantId, taskId, 'cancelled', {
        from: task.status,
        reason: 'cancelled by request',
        events: [{ type: 'task_finished', status: 'cancelled' }],
      });
      break;
    } catch (e) {
      // The run moved the task on between our read and our write: read again and retry.
      if (!(e instanceof ConcurrentUpdate) || attempt >= 3) throw e;
    }
  }
  // task_finished (written with the status) closed the log, so what the aborted work still tries
  // to write is refused (TaskLogClosed); the execution stops before its work is aborted, so no
  // Catch runs on the abort.
  const task = await store.getTask(tenantId, taskId);
  if (task.executionId) await workflow.stop(task.executionId, 'cancelled by request');
  signals?.abort(taskId, 'the task was cancelled');
  await sandboxRunners?.end(taskId);
  return task;
}

/** Approves a plan waiting for approval, optionally replacing it with an edited plan; the run goes on. */
export async function approveTask(
  { store, workflow }: LifecycleDeps,
  tenantId: string,
  taskId: string,
  body: { plan?: unknown; note?: string },
): Promise<Task> {
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'awaiting_approval') throw new TaskNotRunnable(taskId, task.status, 'approve its plan');
  const request = await store.getApprovalRequest(tenantId, taskId);
  if (!request) throw new NotFound('approval request of task', taskId);
  let edited: Plan | undefined;
  if (body.plan !== undefined) {
    edited = parseInput(Plan, body.plan, 'plan');
    const bytes = Buffer.byteLength(JSON.stringify(edited));
    if (bytes > MAX_PLAN_BYTES) {
      throw new InvalidInput(
        `The edited plan is ${bytes} bytes of JSON; a plan holds at most ${MAX_PLAN_BYTES}`,
        [{ path: 'plan', message: `at most ${MAX_PLAN_BYTES} bytes of JSON (this one is ${bytes})` }],
      );
    }
    const problems = planProblems(
      edited,
      (await teamForTask(store, task)).map((p) => p.id),
    );
    if (problems.length) throw new PlanInvalid(problems.map((p) => p.message));
  }
  // One write: the claim (of concurrent approvals one wins, the rest get a 409), the plan marked
  // approved (so a resumed run knows it passed the gate) and the event. A failure leaves the
  // task awaiting approval, still approvable and rejectable.
  await store.approveAwaitingPlan(tenantId, taskId, {
    token: request.token,
    ...(edited ? { plan: edited } : {}),
    ...(body.note ? { note: body.note } : {}),
  });
  await workflow.sendTaskSuccess(request.token, { decision: 'approved' });
  return store.getTask(tenantId, taskId);
}

/** Rejects a plan waiting for approval: the task is cancelled and its run ends. */
export async function rejectTask(
  { store, workflow }: LifecycleDeps,
  tenantId: string,
  taskId: string,
  body: { note?: string },
): Promise<Task> {
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'awaiting_approval') throw new TaskNotRunnable(taskId, task.status, 'reject its plan');
  const request = await store.getApprovalRequest(tenantId, taskId);
  // One write: the claim, the status and the events; a failure leaves the plan awaiting a decision.
  await store.transitionTask(tenantId, taskId, 'cancelled', {
    from: 'awaiting_approval',
    reason: `plan rejected${body.note ? `: ${body.note}` : ''}`,
    ...(request ? { claim: { token: request.token, decision: 'rejected' as const } } : {}),
    events: [
      {
        type: 'approval_decided',
        decision: 'rejected',
        edited: false,
        ...(body.note ? { note: body.note } : {}),
      },
      { type: 'task_finished', status: 'cancelled' },
    ],
  });
  if (request) await workflow.sendTaskSuccess(request.token, { decision: 'rejected' }).catch(() => undefined);
  return store.getTask(tenantId, taskId);
}

/**
 * Resumes a failed task from its last completed step: a new execution in which
 * completed steps are skipped and the stored plan is kept. A dev step that had rounds goes on
 * from its last one, with QA's findings. A `note` (a person's guidance) is kept with the task
 * and shown to every employee from then on. A `budgetMicroUsd` raises the task's budget first
 * (the way on after BudgetExceeded), and only for a task that can be resumed.
 */
export async function resumeTask(
  deps: LifecycleDeps,
  tenantId: string,
  taskId: string,
  opts: { note?: string; budgetMicroUsd?: number } = {},
): Promise<Task> {
  const { store } = deps;
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'failed') {
    throw new InvalidInput(`Task ${taskId} is ${task.status}; only a failed task can be resumed`, [
      { path: 'id', message: `task is ${task.status}` },
    ]);
  }
  const note = opts.note !== undefined ? parseInput(TaskNote, opts.note, 'note') : undefined;
  // The way on after BudgetExceeded; only a task that can be resumed gets it, so a refused resume changes nothing.
  if (opts.budgetMicroUsd !== undefined) await raiseTaskBudget(store, tenantId, taskId, opts.budgetMicroUsd);
  // Only an approved plan goes straight back to running; any other run starts again at
  // Plan, which keeps the stored plan and sends it through the approval gate if it needs one.
  const plan = await store.getPlanRecord(tenantId, taskId);
  await store.transitionTask(tenantId, taskId, plan?.approvedAt ? 'running' : 'queued', {
    from: 'failed',
    reason: 'resumed from its last completed step',
  });
  // After the transition: it opens the task's event log again, which note_added is written to.
  if (note !== undefined) await store.addTaskNote(tenantId, taskId, note);
  return startExecution(deps, await store.getTask(tenantId, taskId), true);
}

/** What a host restart did with each task it found mid-run. */
export interface RecoveryReport {
  resumed: Task[];
  /** Tasks that could not be resumed, with why; each also has an error event saying so. */
  failed: { task: Task; error: string }[];
}

/**
 * After a host crash, tasks that were mid-run have no execution behind them:
 * start a new one for each, which resumes from its last completed step. One task
 * that cannot be resumed is recorded and skipped; it never stops the others.
 */
export async function resumeInterruptedTasks(deps: LifecycleDeps): Promise<RecoveryReport> {
  const report: RecoveryReport = { resumed: [], failed: [] };
  for (const task of await deps.store.listActiveTasks()) {
    try {
      await deps.store.appendEvent(task.tenantId, task.id, {
        type: 'error',
        code: 'HostInterrupted',
        message: `The host stopped while this task was ${task.status}; resuming from its last completed step.`,
      });
      report.resumed.push(await startExecution(deps, task, true));
    } catch (e) {
      const error = (e as Error)?.message ?? String(e);
      report.failed.push({ task, error });
      await deps.store
        .appendEvent(task.tenantId, task.id, {
          type: 'error',
          code: 'RecoveryFailed',
          message: `The host restarted but could not resume this task: ${error}`,
        })
        // Refused when the failed start already recorded it, with task_finished; reported to the host either way.
        .catch(() => undefined);
    }
  }
  return report;
}
