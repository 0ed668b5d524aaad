import { parseInput, TaskId } from '@techteam/shared/domain';
import { sandboxRunsRuntime } from '@techteam/shared/runtime/sandbox-runs';
import { cancelTask } from '@techteam/shared/workflow/task-lifecycle';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Path = z.object({ id: TaskId });

/** POST /v1/tasks/{id}/cancel */
export const handler = apiHandler(async ({ tenant, path }) => {
  const { id } = parseInput(Path, path, 'path');
  const task = await cancelTask(sandboxRunsRuntime(), tenant.tenantId, id);
  return { status: 200, body: { task } };
});
