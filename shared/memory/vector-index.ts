import { createHash } from 'node:crypto';
import { actingTenant } from '../store/acting-tenant';
import { TenantScopeViolation } from '../store/tenant-errors';

/** Where a chunk comes from: a tenant's document or one of the team's memories. */
export type SourceKind = 'document' | 'memory';

export interface VectorRecord {
  /** The chunk's id (unique within the tenant). */
  id: string;
  vector: number[];
  sourceId: string;
  kind: SourceKind;
}

export interface VectorFilter {
  sourceId?: string;
  kind?: SourceKind;
}

export interface VectorHit {
  id: string;
  /** Higher is closer (cosine similarity, or 1 - distance). */
  score: number;
  sourceId: string;
  kind: SourceKind;
}

/**
 * The vector index, one per deployment, partitioned per tenant by structure, never by a filter:
 * a Pinecone namespace, an S3 Vectors index, a LanceDB table. Nothing in the port lets one
 * tenant's call name another's partition.
 */
export interface VectorIndex {
  readonly kind: 'lancedb' | 'pinecone' | 's3vectors';
  upsert(tenantId: string, records: readonly VectorRecord[]): Promise<void>;
  query(
    tenantId: string,
    vector: number[],
    options: { topK: number; filter?: VectorFilter },
  ): Promise<VectorHit[]>;
  delete(tenantId: string, ids: readonly string[]): Promise<void>;
}

/**
 * A name for the tenant's partition that every engine accepts (lowercase letters, digits and
 * hyphens, short): the tenant id when it fits, else a hash of it.
 */
export function tenantPartition(tenantId: string): string {
  const plain = tenantId.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const digest = createHash('sha256').update(tenantId).digest('hex').slice(0, 12);
  // The digest keeps two ids that differ only in '_' vs '-' apart.
  return `t-${plain.slice(0, 40)}-${digest}`;
}

/** Ids go in batches no engine refuses (S3 Vectors takes 500 per put; Pinecone 1,000 per delete). */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The index, refusing a call for any tenant but the one the invocation acts for (a door's
 * actAsTenant) before it is sent: the partition is a name the adapter derives from the tenant id,
 * which an IAM policy variable cannot (a hash; see infra/aws/README.md, Tenant isolation), so for
 * the vectors this check is the one that holds a door to its tenant. Outside a door it passes.
 */
export function heldToActingTenant(index: VectorIndex): VectorIndex {
  const check = (tenantId: string) => {
    const actor = actingTenant();
    if (actor !== undefined && actor !== tenantId) throw new TenantScopeViolation(actor, [tenantId]);
  };
  return {
    kind: index.kind,
    upsert: async (tenantId, records) => {
      check(tenantId);
      return index.upsert(tenantId, records);
    },
    query: async (tenantId, vector, options) => {
      check(tenantId);
      return index.query(tenantId, vector, options);
    },
    delete: async (tenantId, ids) => {
      check(tenantId);
      return index.delete(tenantId, ids);
    },
  };
}
