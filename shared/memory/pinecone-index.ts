import type { Pinecone, RecordMetadata } from '@pinecone-database/pinecone';
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
    private readonly target: { name: string; host?: string },
  ) {}

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
