import {
  ConflictException,
  CreateIndexCommand,
  DeleteVectorsCommand,
  NotFoundException,
  PutVectorsCommand,
  QueryVectorsCommand,
  type S3VectorsClient,
} from '@aws-sdk/client-s3vectors';
import {
  batches,
  type SourceKind,
  tenantPartition,
  type VectorFilter,
  type VectorHit,
  type VectorIndex,
  type VectorRecord,
} from './vector-index';

/**
 * The deploy-your-own stack's index: Amazon S3 Vectors in the customer's account, one vector
 * bucket for the stack and one index per tenant, created on the tenant's first write. No
 * third-party account, no data leaving the account.
 */
export class S3VectorsIndex implements VectorIndex {
  readonly kind = 's3vectors';
  private readonly created = new Set<string>();

  constructor(
    private readonly client: S3VectorsClient,
    private readonly bucket: string,
    private readonly dimension: number,
  ) {}

  private async ensureIndex(indexName: string): Promise<void> {
    if (this.created.has(indexName)) return;
    try {
      await this.client.send(
        new CreateIndexCommand({
          vectorBucketName: this.bucket,
          indexName,
          dataType: 'float32',
          dimension: this.dimension,
          distanceMetric: 'cosine',
        }),
      );
    } catch (e) {
      if (!(e instanceof ConflictException)) throw e;
    }
    this.created.add(indexName);
  }

  async upsert(tenantId: string, records: readonly VectorRecord[]): Promise<void> {
    const indexName = tenantPartition(tenantId);
    await this.ensureIndex(indexName);
    for (const batch of batches(records, 500)) {
      await this.client.send(
        new PutVectorsCommand({
          vectorBucketName: this.bucket,
          indexName,
          // Plain arrays: a Float32Array would be serialized as an object.
          vectors: batch.map((r) => ({
            key: r.id,
            data: { float32: Array.from(r.vector) },
            metadata: { sourceId: r.sourceId, kind: r.kind },
          })),
        }),
      );
    }
  }

  async query(
    tenantId: string,
    vector: number[],
    options: { topK: number; filter?: VectorFilter },
  ): Promise<VectorHit[]> {
    const clauses: Record<string, { $eq: string }>[] = [];
    if (options.filter?.sourceId) clauses.push({ sourceId: { $eq: options.filter.sourceId } });
    if (options.filter?.kind) clauses.push({ kind: { $eq: options.filter.kind } });
    const filter = clauses.length === 0 ? undefined : clauses.length === 1 ? clauses[0] : { $and: clauses };
    try {
      const answer = await this.client.send(
        new QueryVectorsCommand({
          vectorBucketName: this.bucket,
          indexName: tenantPartition(tenantId),
          queryVector: { float32: Array.from(vector) },
          topK: Math.min(options.topK, 100),
          returnMetadata: true,
          returnDistance: true,
          ...(filter ? { filter } : {}),
        }),
      );
      return (answer.vectors ?? []).map((v) => {
        const meta = (v.metadata ?? {}) as { sourceId?: string; kind?: SourceKind };
        return {
          id: v.key!,
          score: 1 - (v.distance ?? 1),
          sourceId: meta.sourceId ?? '',
          kind: meta.kind ?? 'document',
        };
      });
    } catch (e) {
      // A tenant that never wrote has no index yet: nothing to find.
      if (e instanceof NotFoundException) return [];
      throw e;
    }
  }

  async delete(tenantId: string, ids: readonly string[]): Promise<void> {
    const indexName = tenantPartition(tenantId);
    for (const batch of batches(ids, 500)) {
      try {
        await this.client.send(
          new DeleteVectorsCommand({ vectorBucketName: this.bucket, indexName, keys: batch }),
        );
      } catch (e) {
        if (e instanceof NotFoundException) return;
        throw e;
      }
    }
  }
}
