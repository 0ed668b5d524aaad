/**
 * Keys of the memory items: a tenant's documents, their bodies, the chunks of documents and
 * memories (one partition per tenant, read whole for lexical search), and the team's memories.
 */
export const memoryKeys = {
  document: (tenantId: string, documentId: string) => ({ PK: `T#${tenantId}#DOCS`, SK: `DOC#${documentId}` }),
  documentBody: (tenantId: string, documentId: string) => ({
    PK: `T#${tenantId}#DOCS`,
    SK: `BODY#${documentId}`,
  }),
  documents: (tenantId: string) => `T#${tenantId}#DOCS`,
  /** GSI2 keys a document carries while its ingestion has not ended (removed when it ends). */
  unfinishedIngestion: (tenantId: string, documentId: string) => ({
    GSI2PK: 'INGESTING',
    GSI2SK: `${tenantId}#${documentId}`,
  }),
  chunk: (tenantId: string, sourceId: string, chunkId: string) => ({
    PK: `T#${tenantId}#CHUNKS`,
    SK: `CH#${sourceId}#${chunkId}`,
  }),
  chunks: (tenantId: string) => `T#${tenantId}#CHUNKS`,
  chunksOf: (sourceId: string) => `CH#${sourceId}#`,
  memory: (tenantId: string, memoryId: string) => ({ PK: `T#${tenantId}#MEMS`, SK: `MEM#${memoryId}` }),
  memories: (tenantId: string) => `T#${tenantId}#MEMS`,
};
