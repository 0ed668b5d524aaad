import { sandboxRunnersDeps } from '@techteam/shared/deps/sandbox-runners';
import { parseInput } from '@techteam/shared/domain';
import { cancelTask } from '@techteam/shared/workflow/lifecycle';
import { apiHandler } from '../http';
import { TaskPath } from './schemas';

/** POST /v1/tasks/{id}/cancel */
export const handler = apiHandler(async ({ tenant, path }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const task = await cancelTask(sandboxRunnersDeps(), tenant.tenantId, id);
  return { status: 200, body: { task } };
});
