import { memoryDeps } from '@techteam/shared/deps/memory';
import { NotFound } from '@techteam/shared/errors';
import { apiHandler } from '../http';

/** DELETE /v1/documents/{id}: removes the document, every chunk and every vector of it; 404 when there is none. */
export const handler = apiHandler(async ({ tenant, path }) => {
  const id = path['id'] ?? '';
  const existed = await (await memoryDeps()).deleteDocument(tenant.tenantId, id);
  if (!existed) throw new NotFound('document', id);
  return { status: 200, body: { deleted: id } };
});
