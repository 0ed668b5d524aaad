import { parseInput, TaskId } from '@techteam/shared/domain';
import { readTaskFile } from '@techteam/shared/files';
import { workspaceRuntime } from '@techteam/shared/runtime/workspaces';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Path = z.object({ id: TaskId, path: z.string() });

/** GET /v1/tasks/{id}/files/{path+}: one file's content (text/plain; charset=utf-8, or application/octet-stream). */
export const handler = apiHandler(async ({ tenant, path: params }) => {
  const { id, path } = parseInput(Path, params, 'path');
  const { store, workspaceFor } = workspaceRuntime();
  await store.getTask(tenant.tenantId, id);
  return { status: 200, file: await readTaskFile(workspaceFor(tenant.tenantId, id), path) };
});
