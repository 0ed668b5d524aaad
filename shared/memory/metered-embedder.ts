import { MEMORY_EMPLOYEE } from '../domain/usage-notes';
import type { UsageMeter } from '../gateway';
import type { NewUsageRecord } from '../money';
import { approxTokens } from './chunking';
import { type Embedder, type Embeddings, embeddingCostMicroUsd } from './embedder';

/** Who an embedding call is charged to: the task it serves, or a document's ingestion. */
export interface EmbeddingContext {
  tenantId: string;
  /** The task, or `ingest-<documentId>` for a document's ingestion (a usage partition of its own). */
  taskId: string;
  /** The employee whose tool call embedded the query, or MEMORY_EMPLOYEE for ingestion and task memories. */
  employeeId: string;
  /**
   * Charged to the tenant's month alone, its usage record written without a task event: a
   * document's ingestion (also said by the `ingest-` prefix), and an ended task's memory, whose
   * event log is closed by its `task_finished`.
   */
  taskless?: boolean;
}

/** The pseudo task id of a document's ingestion (`ingest-<documentId>`). */
export const INGESTION_PREFIX = 'ingest-';

export { MEMORY_EMPLOYEE };

/** The budget profile of embedding calls that no employee made: the whole of what is left. */
const MEMORY_PROFILE = { id: MEMORY_EMPLOYEE, budgetShare: 1 };

/**
 * Embeds through the gateway's money path, like any model call: the worst case is reserved
 * against the tenant's month (and the task's budget, for a task's query) before the call, and the
 * call is settled as a usage record after it; a failed call gives its reservation back. The
 * offline embedder costs nothing: it reserves nothing, and its usage record says $0.
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
    if (!meter) return (await embedder.embed(texts, signal)).vectors;
    // A document's ingestion serves no task, an ended task's memory comes after its log closed:
    // checked and charged against the tenant's month only.
    const taskless = context.taskless === true || context.taskId.startsWith(INGESTION_PREFIX);
    const metered = { tenantId: context.tenantId, taskId: context.taskId, ...(taskless ? { taskless } : {}) };
    const started = performance.now();
    if (embedder.microUsdPerMillionTokens === 0) {
      const answer = await embedder.embed(texts, signal);
      // Nothing to reserve, but the call is shown: the usage report lists it at $0.
      await meter.recordFree(this.usageRecord(context, answer, performance.now() - started), metered);
      return answer.vectors;
    }
    const profile =
      context.employeeId === MEMORY_EMPLOYEE ? MEMORY_PROFILE : { id: context.employeeId, budgetShare: 1 };
    const account = await meter.account(metered, profile);
    // Tokenizers differ; twice the character estimate bounds any of them on real text.
    const bound = 2 * texts.reduce((n, t) => n + approxTokens(t), 0);
    const reservation = await meter.reserve(account, embeddingCostMicroUsd(embedder, bound), embedder.model);
    let answer: Embeddings;
    try {
      answer = await embedder.embed(texts, signal);
    } catch (e) {
      await meter.release(reservation);
      throw e;
    }
    await meter.settle(this.usageRecord(context, answer, performance.now() - started), reservation);
    return answer.vectors;
  }

  private usageRecord(context: EmbeddingContext, answer: Embeddings, latencyMs: number): NewUsageRecord {
    return {
      tenantId: context.tenantId,
      taskId: context.taskId,
      employeeId: context.employeeId,
      provider: answer.usage.provider,
      model: answer.usage.model,
      inputTokens: answer.usage.inputTokens,
      outputTokens: 0,
      cachedInputTokens: 0,
      costMicroUsd: embeddingCostMicroUsd(this.embedder, answer.usage.inputTokens),
      latencyMs,
      attempts: 1,
      outcome: 'ok',
    };
  }
}
