import { memoryDeps } from '@techteam/shared/deps/memory';
import { parseInput } from '@techteam/shared/domain';
import { apiHandler } from '../http';
import { documentView } from './documents';
import { AddDocumentBody } from './schemas';

/**
 * POST /v1/documents {name, content}: stores a text, Markdown or code document (or a PDF's text)
 * and queues its ingestion; 202 with status `queued`. The same name again replaces the document.
 * Over MAX_DOCUMENT_BYTES it is a 413 naming the limit.
 */
export const handler = apiHandler(async ({ tenant, body }) => {
  const input = parseInput(AddDocumentBody, body);
  const memory = await memoryDeps();
  const document = await memory.addDocument(tenant.tenantId, input);
  return { status: 202, body: { document: documentView(document), embedder: memory.embedderLabel } };
});
