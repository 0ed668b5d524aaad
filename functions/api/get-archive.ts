import { parseInput, TaskId } from '@techteam/shared/domain';
import { ARCHIVE_FORMATS, archiveWorkspace } from '@techteam/shared/files';
import { workspaceRuntime } from '@techteam/shared/runtime/workspaces';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Path = z.object({ id: TaskId });
const Query = z.object({ format: z._default(z.enum(ARCHIVE_FORMATS), 'zip') });

/** GET /v1/tasks/{id}/archive?format=zip|tar: the whole workspace as one download (zip by default). */
export const handler = apiHandler(async ({ tenant, path, query }) => {
  const { id } = parseInput(Path, path, 'path');
  const { format } = parseInput(Query, query, 'query');
  const { store, workspaceFor } = workspaceRuntime();
  await store.getTask(tenant.tenantId, id);
  return { status: 200, file: await archiveWorkspace(workspaceFor(tenant.tenantId, id), format, id) };
});
