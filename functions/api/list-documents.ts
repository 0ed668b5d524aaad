import { memoryDeps } from '@techteam/shared/deps/memory';
import { apiHandler } from '../http';
import { documentView } from './documents';

/** GET /v1/documents: the tenant's documents with their ingestion status, and the embedder in use. */
export const handler = apiHandler(async ({ tenant }) => {
  const memory = await memoryDeps();
  const documents = await memory.listDocuments(tenant.tenantId);
  return { status: 200, body: { documents: documents.map(documentView), embedder: memory.embedderLabel } };
});
