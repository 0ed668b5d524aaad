import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { AuditLog } from '@techteam/shared/store';
import { rejectTask } from '@techteam/shared/workflow/lifecycle';
import { apiHandler } from '../http';
import { RejectBody, TaskPath } from './schemas';

/** POST /v1/tasks/{id}/reject {note?}: reject the waiting plan; the task is cancelled. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const input = parseInput(RejectBody, body ?? {});
  const task = await rejectTask(deps(), tenant.tenantId, id, input);
  const { store } = deps();
  await new AuditLog(store.doc, store.tableName).record(tenant.tenantId, {
    actor: tenant.principal,
    action: 'task_rejected',
    target: id,
  });
  return { status: 200, body: { task } };
});
