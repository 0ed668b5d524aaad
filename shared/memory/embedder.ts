/** What an embedding call used, for metering. */
export interface EmbeddingUsage {
  provider: string;
  model: string;
  inputTokens: number;
}

export interface Embeddings {
  vectors: number[][];
  usage: EmbeddingUsage;
}

/**
 * Turns texts into vectors. One port, three adapters: OpenAI text-embedding-3-small, Bedrock
 * Titan Text Embeddings v2, and the offline default (lexical feature hashing, no model).
 */
export interface Embedder {
  readonly provider: string;
  readonly model: string;
  readonly dimension: number;
  /** False for the offline default: its vectors match words, not meaning, and every place that shows it says so. */
  readonly semantic: boolean;
  /** Price per million input tokens in micro-USD (0 for the offline default). */
  readonly microUsdPerMillionTokens: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Embeddings>;
}

/** How the embedder reads in the API, the CLI and the dashboard. */
export function embedderLabel(embedder: Pick<Embedder, 'provider' | 'model' | 'semantic'>): string {
  return embedder.semantic
    ? `${embedder.provider}/${embedder.model}`
    : `${embedder.provider}/${embedder.model} (lexical: matches words, not meaning; no model is used)`;
}

/** Cost of an embedding call in integer micro-USD, rounded up so a non-zero call never costs nothing. */
export function embeddingCostMicroUsd(
  embedder: Pick<Embedder, 'microUsdPerMillionTokens'>,
  tokens: number,
): number {
  return Math.ceil((tokens * embedder.microUsdPerMillionTokens) / 1_000_000);
}
