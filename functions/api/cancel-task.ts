import { parseInput } from '@techteam/shared/domain';
import { sandboxRunsRuntime } from '@techteam/shared/runtime/sandbox-runs';
import { cancelTask } from '@techteam/shared/workflow/task-lifecycle';
import { apiHandler } from '../http';
import { TaskPath } from './schemas';

/** POST /v1/tasks/{id}/cancel */
export const handler = apiHandler(async ({ tenant, path }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const task = await cancelTask(sandboxRunsRuntime(), tenant.tenantId, id);
  return { status: 200, body: { task } };
});
