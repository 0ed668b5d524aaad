import { sandboxRunnersDeps } from '@techteam/shared/deps/sandbox-runners';
import { log } from '@techteam/shared/observability';
import { executionEndOf, reconcileExecution } from '@techteam/shared/workflow/reconcile';
import type { Context } from 'aws-lambda';

/**
 * EventBridge rule target: an execution of the task state machine FAILED, TIMED_OUT or was
 * ABORTED. A task that failure left active is marked failed, its task_finished written once and
 * its sandbox run ended; one already ended is left as it is. Not a Task state: its input is the
 * EventBridge event, not an ids payload.
 */
export async function handler(event: unknown, context?: Context) {
  log.resetKeys();
  if (context) log.addContext(context);
  log.appendKeys({ state: 'ReconcileExecution' });
  const end = executionEndOf(event);
  log.appendKeys({ tenantId: end.tenantId, taskId: end.taskId });
  const outcome = await reconcileExecution(sandboxRunnersDeps(), end);
  if (outcome.reconciled) log.warn('task failed outside the workflow; marked failed', { end });
  return outcome;
}
