import { workspaceDeps } from '@techteam/shared/deps/workspaces';
import { parseInput } from '@techteam/shared/domain';
import { readTaskFile } from '@techteam/shared/files';
import { apiHandler } from '../http';
import { FilePath } from './schemas';

/** GET /v1/tasks/{id}/files/{path+}: one file's content (text/plain; charset=utf-8, or application/octet-stream). */
export const handler = apiHandler(async ({ tenant, path: params }) => {
  const { id, path } = parseInput(FilePath, params, 'path');
  const { store, workspaceFor } = workspaceDeps();
  await store.getTask(tenant.tenantId, id);
  return { status: 200, file: await readTaskFile(workspaceFor(tenant.tenantId, id), path) };
});
