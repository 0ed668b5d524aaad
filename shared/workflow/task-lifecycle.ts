import { type CreateTaskInput, isTerminal, type Task, type TaskPreference } from '../domain';
import { ConcurrentUpdate, IllegalTransition } from '../errors';
import type { Store } from '../store';
import type { WorkflowEngine } from './engine';
import { WorkflowStartFailed } from './errors';

export interface LifecycleDeps {
  store: Store;
  workflow: WorkflowEngine;
}

/** Creates a task and starts its run. If the run cannot start, the task is marked failed, never left queued. */
export async function submitTask(
  { store, workflow }: LifecycleDeps,
  tenantId: string,
  input: CreateTaskInput & { preference: TaskPreference },
): Promise<Task> {
  const task = await store.createTask(tenantId, input);
  try {
    const { executionId } = await workflow.start({ tenantId, taskId: task.id });
    await store.updateTask(tenantId, task.id, { executionId });
  } catch (e) {
    const message = (e as Error).message;
    await store.transitionTask(tenantId, task.id, 'failed', {
      from: 'queued',
      failure: { code: 'WorkflowStartFailed', message },
      reason: message,
    });
    throw new WorkflowStartFailed(task.id, message);
  }
  return store.getTask(tenantId, task.id);
}

/** Cancels a task that has not ended: marks it cancelled, then stops its execution. */
export async function cancelTask(
  { store, workflow }: LifecycleDeps,
  tenantId: string,
  taskId: string,
): Promise<Task> {
  for (let attempt = 0; ; attempt++) {
    const task = await store.getTask(tenantId, taskId);
    if (isTerminal(task.status)) throw new IllegalTransition(taskId, task.status, 'cancelled');
    try {
      await store.transitionTask(tenantId, taskId, 'cancelled', {
        from: task.status,
        reason: 'cancelled by request',
      });
      break;
    } catch (e) {
      // The run moved the task on between our read and our write: read again and retry.
      if (!(e instanceof ConcurrentUpdate) || attempt >= 3) throw e;
    }
  }
  await store.appendEvent(tenantId, taskId, { type: 'task_finished', status: 'cancelled' });
  const task = await store.getTask(tenantId, taskId);
  if (task.executionId) await workflow.stop(task.executionId, 'cancelled by request');
  return task;
}

/**
 * After a host crash, tasks that were mid-run have no execution behind them.
 * Mark each one failed with the reason, so none stays "running" forever.
 */
export async function failInterruptedTasks(store: Store): Promise<Task[]> {
  const marked: Task[] = [];
  for (const task of await store.listActiveTasks()) {
    const message = `The host stopped while this task was ${task.status}; submit it again to rerun it.`;
    try {
      await store.appendEvent(task.tenantId, task.id, { type: 'error', code: 'HostInterrupted', message });
      marked.push(
        await store.transitionTask(task.tenantId, task.id, 'failed', {
          from: task.status,
          failure: { code: 'HostInterrupted', message },
          reason: message,
        }),
      );
      await store.appendEvent(task.tenantId, task.id, {
        type: 'task_finished',
        status: 'failed',
        summary: message,
      });
    } catch (e) {
      if (!(e instanceof ConcurrentUpdate)) throw e;
    }
  }
  return marked;
}
