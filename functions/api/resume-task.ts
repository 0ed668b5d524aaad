import { parseInput } from '@techteam/shared/domain';
import { usdToMicroUsd } from '@techteam/shared/money';
import { runtime } from '@techteam/shared/runtime';
import { resumeTask } from '@techteam/shared/workflow/task-lifecycle';
import { apiHandler } from '../http';
import { ResumeBody, TaskPath } from './schemas';

/** POST /v1/tasks/{id}/resume: rerun a failed task from its last completed step, optionally with a larger budget and a note to the team. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const { budgetUsd, note } = parseInput(ResumeBody, body ?? {});
  const task = await resumeTask(runtime(), tenant.tenantId, id, {
    ...(note !== undefined ? { note } : {}),
    ...(budgetUsd !== undefined ? { budgetMicroUsd: usdToMicroUsd(budgetUsd) } : {}),
  });
  return { status: 202, body: { task } };
});
