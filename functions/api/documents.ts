import type { DocumentRecord } from '@techteam/shared/memory';

/** A document as the API shows it, with the embedder that indexed it (and whether it is lexical). */
export const documentView = (d: DocumentRecord) => ({
  id: d.id,
  name: d.name,
  kind: d.contentKind,
  bytes: d.bytes,
  status: d.status,
  ...(d.reason ? { reason: d.reason } : {}),
  ...(d.chunks !== undefined ? { chunks: d.chunks } : {}),
  ...(d.embedded !== undefined ? { embedded: d.embedded } : {}),
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});
