import { workspaceDeps } from '@techteam/shared/deps/workspaces';
import { parseInput } from '@techteam/shared/domain';
import { listTaskFiles } from '@techteam/shared/files';
import { apiHandler } from '../http';
import { TaskPath } from './schemas';

/** GET /v1/tasks/{id}/files: every file of the task's workspace with its size in bytes. */
export const handler = apiHandler(async ({ tenant, path }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const { store, workspaceFor } = workspaceDeps();
  await store.getTask(tenant.tenantId, id); // 404 for an unknown task, not an empty list
  return { status: 200, body: { files: await listTaskFiles(workspaceFor(tenant.tenantId, id)) } };
});
