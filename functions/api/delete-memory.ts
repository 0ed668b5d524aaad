import { memoryDeps } from '@techteam/shared/deps/memory';
import { NotFound } from '@techteam/shared/errors';
import { apiHandler } from '../http';

/** DELETE /v1/memories/{id}: forgets one memory (its chunks and vectors too); 404 when there is none. */
export const handler = apiHandler(async ({ tenant, path }) => {
  const id = path['id'] ?? '';
  if (!(await (await memoryDeps()).forget(tenant.tenantId, id))) throw new NotFound('memory', id);
  return { status: 200, body: { deleted: id } };
});
