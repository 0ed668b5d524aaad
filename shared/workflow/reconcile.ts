import { isTerminal, parseInput, TaskId, type TaskStatus, TenantId } from '../domain';
import { ConcurrentUpdate, TechteamError } from '../errors';
import { TaskLogClosed } from '../store/event-log';
import * as z from '../zod';
import type { WorkflowDeps } from './deps';

/** How an execution ended without the definition's own ending (FinalizeTask, MarkTaskFailed, a cancel). */
export interface ExecutionEnd {
  tenantId: string;
  taskId: string;
  status: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  /** Step Functions' error name (`States.Runtime`, `States.DataLimitExceeded`, a Lambda's error). */
  error?: string;
  cause?: string;
}

export class ExecutionInputUnreadable extends TechteamError {
  constructor(execution: string, problem: string) {
    super(
      'ExecutionInputUnreadable',
      400,
      `Execution ${execution} ended, but its input names no task (${problem}); reconcile it by hand`,
      { execution },
    );
  }
}

const WorkflowIds = z.looseObject({ tenantId: TenantId, taskId: TaskId });

/**
 * EventBridge's "Step Functions Execution Status Change" event, the fields this reads
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html).
 */
const StatusChange = z.looseObject({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  source: z.literal('aws.states'),
  detail: z.looseObject({
    executionArn: z.string(),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    input: z.nullish(z.string()),
    error: z.nullish(z.string()),
    cause: z.nullish(z.string()),
  }),
});

/** The ended execution an EventBridge status-change event reports; its input carries the task's ids. */
export function executionEndOf(event: unknown): ExecutionEnd {
  const { detail } = parseInput(StatusChange, event, 'event');
  let input: unknown;
  try {
    input = JSON.parse(detail.input ?? 'null');
  } catch {
    throw new ExecutionInputUnreadable(detail.executionArn, 'the input is not JSON');
  }
  const ids = WorkflowIds.safeParse(input);
  if (!ids.success) throw new ExecutionInputUnreadable(detail.executionArn, 'no tenantId and taskId');
  return {
    tenantId: ids.data.tenantId,
    taskId: ids.data.taskId,
    status: detail.status,
    ...(detail.error ? { error: detail.error } : {}),
    ...(detail.cause ? { cause: detail.cause } : {}),
  };
}

const ENDED: Record<ExecutionEnd['status'], string> = {
  FAILED: 'failed',
  TIMED_OUT: 'timed out',
  ABORTED: 'was stopped',
};

/**
 * Settles a task whose execution ended in a way the definition could not catch (a path error, an
 * oversized payload, the history limit, a failing MarkTaskFailed, a stop from the console): the task is
 * marked failed with the reason (so it can be resumed from its last completed step), its
 * `task_finished` event is written once, and its sandbox run (queue, runner) ends. A task that has
 * already ended (finished, failed through MarkTaskFailed, cancelled) keeps its status; its sandbox run
 * is ended again, which is harmless. Runs on AWS from EventBridge and locally from the engine.
 */
export async function reconcileExecution(
  { store, sandboxRunners }: Pick<WorkflowDeps, 'store' | 'sandboxRunners'>,
  end: ExecutionEnd,
): Promise<{ status: TaskStatus | 'missing'; reconciled: boolean }> {
  const { tenantId, taskId } = end;
  await sandboxRunners?.end(taskId);
  const task = await store.findTask(tenantId, taskId);
  if (!task) return { status: 'missing', reconciled: false };
  if (isTerminal(task.status)) return { status: task.status, reconciled: false };
  const why = [end.error, end.cause].filter(Boolean).join(': ') || 'no cause given';
  const failure = {
    code: end.error ?? `Execution${end.status}`,
    message: `The workflow's execution ${ENDED[end.status]} outside any step's error handling (${why}). The task can be resumed from its last completed step.`,
  };
  try {
    await store.appendEvent(tenantId, taskId, {
      type: 'error',
      code: failure.code,
      message: failure.message,
    });
    await store.transitionTask(tenantId, taskId, 'failed', {
      from: task.status,
      failure,
      reason: failure.message,
    });
    await store.appendEvent(tenantId, taskId, {
      type: 'task_finished',
      status: 'failed',
      summary: failure.message,
    });
  } catch (e) {
    // Someone ended it first (a cancel racing this): their ending stands, written once.
    if (e instanceof ConcurrentUpdate || e instanceof TaskLogClosed) {
      return { status: (await store.getTask(tenantId, taskId)).status, reconciled: false };
    }
    throw e;
  }
  return { status: 'failed', reconciled: true };
}
