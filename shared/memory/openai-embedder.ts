import OpenAI from 'openai';
import type { Embedder, Embeddings } from './embedder';

/** OpenAI's text-embedding-3-small, shortened to `dimension` (the API's `dimensions`, so every adapter can share one index size). */
export class OpenAIEmbedder implements Embedder {
  readonly provider = 'openai';
  readonly model = 'text-embedding-3-small';
  readonly semantic = true;
  // $0.02 per million tokens.
  readonly microUsdPerMillionTokens = 20_000;
  private client: Promise<OpenAI> | undefined;

  /**
   * `apiKey` may be read on the first call (a Lambda's key in Secrets Manager): a function that
   * opens memory without embedding never reads it. A failed read is tried again on the next call.
   */
  constructor(
    private readonly options: {
      apiKey: string | (() => Promise<string>);
      baseURL?: string;
      dimension?: number;
    },
  ) {
    this.dimension = options.dimension ?? 1024;
  }

  readonly dimension: number;

  private openClient(): Promise<OpenAI> {
    const { apiKey, baseURL } = this.options;
    this.client ??= (async () =>
      new OpenAI({
        apiKey: typeof apiKey === 'string' ? apiKey : await apiKey(),
        ...(baseURL ? { baseURL } : {}),
      }))();
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Embeddings> {
    const client = await this.openClient();
    const response = await client.embeddings.create(
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
