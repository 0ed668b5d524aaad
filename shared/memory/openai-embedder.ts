import OpenAI from 'openai';
import type { Embedder, Embeddings } from './embedder';

/** OpenAI's text-embedding-3-small, shortened to `dimension` (the API's `dimensions`, so every adapter can share one index size). */
export class OpenAIEmbedder implements Embedder {
  readonly provider = 'openai';
  readonly model = 'text-embedding-3-small';
  readonly semantic = true;
  // $0.02 per million tokens.
  readonly microUsdPerMillionTokens = 20_000;
  private readonly client: OpenAI;

  constructor(options: { apiKey: string; baseURL?: string; dimension?: number }) {
    this.client = new OpenAI({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    });
    this.dimension = options.dimension ?? 1024;
  }

  readonly dimension: number;

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Embeddings> {
    const response = await this.client.embeddings.create(
      { model: this.model, input: [...texts], dimensions: this.dimension, encoding_format: 'float' },
      signal ? { signal } : {},
    );
    const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
    return {
      vectors,
      usage: { provider: this.provider, model: this.model, inputTokens: response.usage.prompt_tokens },
    };
  }
}
