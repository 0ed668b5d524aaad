import { workspaceDeps } from '@techteam/shared/deps/workspaces';
import { parseInput } from '@techteam/shared/domain';
import { archiveWorkspace } from '@techteam/shared/files';
import { apiHandler } from '../http';
import { ArchiveQuery, TaskPath } from './schemas';

/** GET /v1/tasks/{id}/archive?format=zip|tar: the whole workspace as one download (zip by default). */
export const handler = apiHandler(async ({ tenant, path, query }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const { format } = parseInput(ArchiveQuery, query, 'query');
  const { store, workspaceFor } = workspaceDeps();
  await store.getTask(tenant.tenantId, id);
  return { status: 200, file: await archiveWorkspace(workspaceFor(tenant.tenantId, id), format, id) };
});
