import type { UsageMeter } from '../gateway';
import { approxTokens } from './chunking';
import { type Embedder, type Embeddings, embeddingCostMicroUsd } from './embedder';

/** Who an embedding call is charged to: the task it serves, or a document's ingestion. */
export interface EmbeddingContext {
  tenantId: string;
  /** The task, or `ingest-<documentId>` for a document's ingestion (a usage partition of its own). */
  taskId: string;
  /** The employee whose tool call embedded the query, or `memory` for ingestion and task memories. */
  employeeId: string;
}

/** The pseudo task id of a document's ingestion (`ingest-<documentId>`). */
export const INGESTION_PREFIX = 'ingest-';

/** The budget profile of embedding calls that no employee made: the whole of what is left. */
const MEMORY_PROFILE = { id: 'memory', budgetShare: 1 };

/**
 * Embeds through the gateway's money path, like any model call: the worst case is reserved
 * against the tenant's month (and the task's budget, for a task's query) before the call, and the
 * call is settled as a usage record after it; a failed call gives its reservation back. The
 * offline embedder costs nothing and is not metered.
 */
export class MeteredEmbedder {
  constructor(
    readonly embedder: Embedder,
    private readonly meter: UsageMeter | undefined,
  ) {}

  async embed(
    texts: readonly string[],
    context: EmbeddingContext,
    signal?: AbortSignal,
  ): Promise<number[][]> {
    if (texts.length === 0) return [];
    const { embedder, meter } = this;
    if (!meter || embedder.microUsdPerMillionTokens === 0)
      return (await embedder.embed(texts, signal)).vectors;
    const profile =
      context.employeeId === 'memory' ? MEMORY_PROFILE : { id: context.employeeId, budgetShare: 1 };
    // A document's ingestion serves no task: it is checked and charged against the tenant's month only.
    const taskless = context.taskId.startsWith(INGESTION_PREFIX);
    const account = await meter.account({ ...context, ...(taskless ? { taskless } : {}) }, profile);
    // Tokenizers differ; twice the character estimate bounds any of them on real text.
    const bound = 2 * texts.reduce((n, t) => n + approxTokens(t), 0);
    const reservation = await meter.reserve(account, embeddingCostMicroUsd(embedder, bound), embedder.model);
    const started = performance.now();
    let answer: Embeddings;
    try {
      answer = await embedder.embed(texts, signal);
    } catch (e) {
      await meter.release(reservation);
      throw e;
    }
    await meter.settle(
      {
        tenantId: context.tenantId,
        taskId: context.taskId,
        employeeId: context.employeeId,
        provider: answer.usage.provider,
        model: answer.usage.model,
        inputTokens: answer.usage.inputTokens,
        outputTokens: 0,
        cachedInputTokens: 0,
        costMicroUsd: embeddingCostMicroUsd(embedder, answer.usage.inputTokens),
        latencyMs: performance.now() - started,
        attempts: 1,
        outcome: 'ok',
      },
      reservation,
    );
    return answer.vectors;
  }
}
