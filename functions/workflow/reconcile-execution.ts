import { sandboxRunnersDeps } from '@techteam/shared/deps/sandbox-runners';
import { log } from '@techteam/shared/observability';
import { actAsTenant } from '@techteam/shared/store';
import { executionEndOf, reconcileExecution } from '@techteam/shared/workflow/reconcile';
import type { Context } from 'aws-lambda';

/**
 * EventBridge rule target: an execution of the task state machine FAILED, TIMED_OUT or was
 * ABORTED. A task that failure left active is marked failed, its task_finished written once and
 * its sandbox run ended; one already ended is left as it is. Not a Task state: its input is the
 * EventBridge event, not an ids payload. The event carries the execution's input (the task's
 * ids: small, so always included), which names the tenant: everything after acts as that tenant
 * (shared/store/acting-tenant.ts), with its session, as the states do. An input without a valid
 * tenant id is refused (ExecutionInputUnreadable) before anything is read.
 */
export async function handler(event: unknown, context?: Context) {
  log.resetKeys();
  if (context) log.addContext(context);
  log.appendKeys({ state: 'ReconcileExecution' });
  const end = executionEndOf(event);
  log.appendKeys({ tenantId: end.tenantId, taskId: end.taskId });
  const outcome = await actAsTenant(end.tenantId, () => reconcileExecution(sandboxRunnersDeps(), end));
  if (outcome.reconciled) log.warn('task failed outside the workflow; marked failed', { end });
  return outcome;
}
