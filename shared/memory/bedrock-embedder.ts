import { type BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import type { Embedder, Embeddings } from './embedder';

interface TitanResponse {
  embedding: number[];
  inputTextTokenCount: number;
}

/** The Titan model every stack's memory embeds with (infra/aws/memory.ts grants InvokeModel on it alone). */
export const TITAN_EMBEDDING_MODEL = 'amazon.titan-embed-text-v2:0';

/** Bedrock's Titan Text Embeddings v2: the one embedder of a deploy-your-own stack (no data leaves the account). */
export class BedrockTitanEmbedder implements Embedder {
  readonly provider = 'bedrock';
  readonly model = TITAN_EMBEDDING_MODEL;
  readonly semantic = true;
  // $0.02 per million input tokens.
  readonly microUsdPerMillionTokens = 20_000;
  readonly dimension: 256 | 512 | 1024;

  constructor(
    private readonly client: BedrockRuntimeClient,
    options: { dimension?: 256 | 512 | 1024 } = {},
  ) {
    this.dimension = options.dimension ?? 1024;
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Embeddings> {
    // Titan v2 embeds one text per request.
    const answers = await Promise.all(
      texts.map(async (inputText) => {
        const out = await this.client.send(
          new InvokeModelCommand({
            modelId: this.model,
            contentType: 'application/json',
            accept: 'application/json',
            body: JSON.stringify({ inputText, dimensions: this.dimension, normalize: true }),
          }),
          signal ? { abortSignal: signal } : {},
        );
        return JSON.parse(new TextDecoder().decode(out.body)) as TitanResponse;
      }),
    );
    return {
      vectors: answers.map((a) => a.embedding),
      usage: {
        provider: this.provider,
        model: this.model,
        inputTokens: answers.reduce((n, a) => n + a.inputTextTokenCount, 0),
      },
    };
  }
}
