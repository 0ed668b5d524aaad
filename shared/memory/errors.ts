import { TechteamError } from '../errors';

/** An upload over the size limit: a 413 that says the limit and the size. */
export class DocumentTooLarge extends TechteamError {
  constructor(name: string, bytes: number, limit: number) {
    super(
      'DocumentTooLarge',
      413,
      `Document '${name}' is ${bytes} bytes; the limit is ${limit} bytes. Split it into smaller documents.`,
      { field: 'content', bytes, limit },
    );
  }
}

/** The memory settings name an adapter without what it needs. */
export class MemoryNotConfigured extends TechteamError {
  constructor(variable: string, why: string) {
    super('MemoryNotConfigured', 500, `Memory is not configured: ${variable} ${why}`, { variable });
  }
}

/** The engine answered a vector of the wrong size for the index. */
export class EmbeddingMismatch extends TechteamError {
  constructor(expected: number, got: number, embedder: string) {
    super(
      'EmbeddingMismatch',
      500,
      `${embedder} returned ${got}-dimensional vectors; the index holds ${expected}. Use one embedder per index.`,
      { expected, got },
    );
  }
}

/** A document's last ingestion attempt ran out of the function's time; recorded as its reason. */
export class IngestionOutOfTime extends TechteamError {
  constructor() {
    super(
      'IngestionOutOfTime',
      500,
      'It did not finish within the ingestion function’s time limit; split the document into smaller ones and upload them again.',
    );
  }
}

/** The Pinecone index the settings name holds vectors of another size than the embedder makes. */
export class PineconeIndexMismatch extends TechteamError {
  constructor(index: string, holds: string, wanted: number, embedder: string) {
    super(
      'PineconeIndexMismatch',
      500,
      `Pinecone index '${index}' holds ${holds}; ${embedder} makes ${wanted}-dimensional vectors (cosine). Set TECHTEAM_PINECONE_INDEX (-c pineconeIndex=…) to a new index name, which is made for it, or use an embedder of that size.`,
      { index, wanted },
    );
  }
}

/** The Pinecone index was made but did not become ready in time. */
export class PineconeIndexNotReady extends TechteamError {
  constructor(index: string, waitedMs: number, state: string) {
    super(
      'PineconeIndexNotReady',
      503,
      `Pinecone index '${index}' is still ${state} after ${Math.round(waitedMs / 1000)} s; try again shortly.`,
      { index, state },
    );
  }
}
