import type { Pinecone, RecordMetadata } from '@pinecone-database/pinecone';
import { PineconeIndexMismatch, PineconeIndexNotReady } from './errors';
import {
  batches,
  type SourceKind,
  tenantPartition,
  type VectorFilter,
  type VectorHit,
  type VectorIndex,
  type VectorRecord,
} from './vector-index';

interface ChunkMetadata extends RecordMetadata {
  sourceId: string;
  kind: SourceKind;
}

/**
 * The hosted stack's index: one Pinecone index for the deployment, one namespace per tenant.
 * Every call is scoped to the tenant's namespace by the client it is made on, so a filter can
 * narrow within a tenant but never widen past it.
 */
export class PineconeIndex implements VectorIndex {
  readonly kind = 'pinecone';

  constructor(
    private readonly client: Pinecone,
    /** The index's name, and its data-plane host when known (it saves a lookup per cold start). */
    private target: { name: string; host?: string },
  ) {}

  /**
   * Makes sure the index exists for an embedder of `dimension`: describes it, and when missing
   * creates it serverless (cosine, `dimension`) and waits until it is ready. An existing index of
   * another dimension is refused (PineconeIndexMismatch): its vectors could not be compared.
   * Another process creating it at the same time is not an error (the conflict is waited out).
   */
  async ensure(
    dimension: number,
    options: { embedder: string; cloud?: string; region?: string; waitMs?: number; pollMs?: number },
  ): Promise<void> {
    const { name } = this.target;
    let model = await this.describe();
    if (!model) {
      await this.client.createIndex({
        name,
        dimension,
        metric: 'cosine',
        spec: {
          serverless: { cloud: (options.cloud ?? 'aws') as 'aws', region: options.region ?? 'us-east-1' },
        },
        suppressConflicts: true,
      });
      const started = Date.now();
      const waitMs = options.waitMs ?? 5 * 60_000;
      for (;;) {
        model = await this.describe();
        if (model?.status.ready) break;
        if (Date.now() - started >= waitMs)
          throw new PineconeIndexNotReady(name, Date.now() - started, model?.status.state ?? 'missing');
        await new Promise((r) => setTimeout(r, options.pollMs ?? 2_000));
      }
    }
    const dense = Object.values(model.schema?.fields ?? {}).find(
      (f): f is { type: 'dense_vector'; dimension: number; metric: string } =>
        'type' in f && f.type === 'dense_vector',
    );
    if (dense?.dimension !== dimension)
      throw new PineconeIndexMismatch(
        name,
        dense ? `${dense.dimension}-dimensional vectors (${dense.metric})` : 'no dense vectors',
        dimension,
        options.embedder,
      );
    // The described host saves the SDK its own lookup on every call.
    if (!this.target.host && model.host) this.target = { ...this.target, host: model.host };
  }

  private async describe() {
    try {
      return await this.client.describeIndex(this.target.name);
    } catch (e) {
      if ((e as Error).name === 'PineconeNotFoundError') return undefined;
      throw e;
    }
  }

  private namespace(tenantId: string) {
    return this.client.index<ChunkMetadata>({ ...this.target, namespace: tenantPartition(tenantId) });
  }

  async upsert(tenantId: string, records: readonly VectorRecord[]): Promise<void> {
    const index = this.namespace(tenantId);
    for (const batch of batches(records, 100)) {
      await index.upsert({
        records: batch.map((r) => ({
          id: r.id,
          values: r.vector,
          metadata: { sourceId: r.sourceId, kind: r.kind },
        })),
      });
    }
  }

  async query(
    tenantId: string,
    vector: number[],
    options: { topK: number; filter?: VectorFilter },
  ): Promise<VectorHit[]> {
    const filter: Record<string, { $eq: string }> = {};
    if (options.filter?.sourceId) filter.sourceId = { $eq: options.filter.sourceId };
    if (options.filter?.kind) filter.kind = { $eq: options.filter.kind };
    const answer = await this.namespace(tenantId).query({
      vector,
      topK: options.topK,
      includeMetadata: true,
      ...(Object.keys(filter).length ? { filter } : {}),
    });
    return (answer.matches ?? []).flatMap((m) =>
      m.metadata
        ? [{ id: m.id, score: m.score ?? 0, sourceId: m.metadata.sourceId, kind: m.metadata.kind }]
        : [],
    );
  }

  async delete(tenantId: string, ids: readonly string[]): Promise<void> {
    const index = this.namespace(tenantId);
    for (const batch of batches(ids, 1000)) await index.deleteMany({ ids: batch });
  }
}
