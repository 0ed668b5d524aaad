export type { DocumentRecord } from '../store/documents';
export type { MemoryRecord } from '../store/memories';
export { BedrockTitanEmbedder, TITAN_EMBEDDING_MODEL } from './bedrock-embedder';
export { Bm25, type RankedId, reciprocalRankFusion } from './bm25';
export {
  type Chunk,
  type ChunkOptions,
  type ContentKind,
  chunkText,
  contentKindOf,
  DEFAULT_CHUNKING,
} from './chunking';
export { type Embedder, type Embeddings, embedderLabel } from './embedder';
export { DocumentTooLarge, EmbeddingMismatch, MemoryNotConfigured } from './errors';
export { type LocalIndexOpener, memoryFromConfig } from './from-config';
export { InProcessIngestion } from './in-process-ingestion';
export {
  INGESTION_MAX_RECEIVES,
  IngestionJobSchema,
  type IngestionMessage,
  ingestBatch,
} from './ingestion-batch';
export { loadMemoryConfig, type MemoryConfig, UNSET_PINECONE_KEY } from './memory-config';
export { type EmbeddingContext, MeteredEmbedder } from './metered-embedder';
export { OfflineEmbedder } from './offline-embedder';
export { citedPassages, recallForPlanning, rememberTask, taskMemoryText } from './task-memory';
export {
  type Citation,
  documentIdFor,
  type IngestionJob,
  type IngestionQueue,
  MAX_DOCUMENT_BYTES,
  type RetrievalMode,
  type SearchFilter,
  type SearchHit,
  TeamMemory,
} from './team-memory';
export {
  heldToActingTenant,
  type SourceKind,
  type VectorFilter,
  type VectorHit,
  type VectorIndex,
  type VectorRecord,
} from './vector-index';
