import { parseInput } from '@techteam/shared/domain';
import { memoryRuntime } from '@techteam/shared/runtime/memory';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';
import { documentView } from './documents';

const Body = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(300)),
  content: z.string().check(z.minLength(1)),
});

/**
 * POST /v1/documents {name, content}: stores a text, Markdown or code document (or a PDF's text)
 * and queues its ingestion; 202 with status `queued`. The same name again replaces the document.
 * Over MAX_DOCUMENT_BYTES it is a 413 naming the limit.
 */
export const handler = apiHandler(async ({ tenant, body }) => {
  const input = parseInput(Body, body);
  const memory = await memoryRuntime();
  const document = await memory.addDocument(tenant.tenantId, input);
  return { status: 202, body: { document: documentView(document), embedder: memory.embedderLabel } };
});
