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
