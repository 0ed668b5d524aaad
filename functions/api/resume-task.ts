import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { admitResume } from '@techteam/shared/identity';
import { usdToMicroUsd } from '@techteam/shared/money';
import { resumeTask } from '@techteam/shared/workflow/lifecycle';
import { apiHandler } from '../http';
import { ResumeBody, TaskPath } from './schemas';

/** POST /v1/tasks/{id}/resume: rerun a failed task from its last completed step, optionally with a larger budget and a note to the team. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const { budgetUsd, note } = parseInput(ResumeBody, body ?? {});
  // A resumed task runs again, so it counts against the plan's running-task cap like a new one.
  await admitResume(deps().store, tenant.tenantId);
  const task = await resumeTask(deps(), tenant.tenantId, id, {
    ...(note !== undefined ? { note } : {}),
    ...(budgetUsd !== undefined ? { budgetMicroUsd: usdToMicroUsd(budgetUsd) } : {}),
  });
  return { status: 202, body: { task } };
});
