import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { AuditLog } from '@techteam/shared/store';
import { approveTask } from '@techteam/shared/workflow/lifecycle';
import { apiHandler } from '../http';
import { ApproveBody, TaskPath } from './schemas';

/** POST /v1/tasks/{id}/approve {plan?, note?}: approve the waiting plan, optionally edited. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const input = parseInput(ApproveBody, body ?? {});
  const task = await approveTask(deps(), tenant.tenantId, id, input);
  const { store } = deps();
  await new AuditLog(store.doc, store.tableName).record(tenant.tenantId, {
    actor: tenant.principal,
    action: 'task_approved',
    target: id,
    details: { edited: input.plan !== undefined },
  });
  return { status: 200, body: { task } };
});
