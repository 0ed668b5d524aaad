import { type Connection, connect, type Table } from '@lancedb/lancedb';
import { Field, FixedSizeList, Float32, Schema, Utf8 } from 'apache-arrow';
import {
  type SourceKind,
  tenantPartition,
  type VectorFilter,
  type VectorHit,
  type VectorIndex,
  type VectorRecord,
} from './vector-index';

/** A SQL string literal for LanceDB's filter language. */
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

function where(filter: VectorFilter | undefined): string | undefined {
  const parts: string[] = [];
  if (filter?.sourceId) parts.push(`sourceId = ${literal(filter.sourceId)}`);
  if (filter?.kind) parts.push(`kind = ${literal(filter.kind)}`);
  return parts.length ? parts.join(' AND ') : undefined;
}

/**
 * The local host's index: LanceDB embedded in the process, on the data folder, one table per
 * tenant. A flat (exact) cosine search: at the sizes one host holds it answers in milliseconds
 * (see bench/retrieval), and exact search has no recall loss to explain.
 */
export class LanceDbIndex implements VectorIndex {
  readonly kind = 'lancedb';
  private connection: Promise<Connection> | undefined;
  private readonly tables = new Map<string, Promise<Table>>();

  constructor(
    private readonly folder: string,
    private readonly dimension: number,
  ) {}

  private table(tenantId: string): Promise<Table> {
    const name = tenantPartition(tenantId);
    let table = this.tables.get(name);
    if (!table) {
      this.connection ??= connect(this.folder);
      const schema = new Schema([
        new Field('id', new Utf8(), false),
        new Field('vector', new FixedSizeList(this.dimension, new Field('item', new Float32(), true)), false),
        new Field('sourceId', new Utf8(), false),
        new Field('kind', new Utf8(), false),
      ]);
      table = this.connection.then((db) => db.createEmptyTable(name, schema, { existOk: true }));
      // A failed open is not cached: the next call tries again.
      table.catch(() => this.tables.delete(name));
      this.tables.set(name, table);
    }
    return table;
  }

  async upsert(tenantId: string, records: readonly VectorRecord[]): Promise<void> {
    if (!records.length) return;
    const table = await this.table(tenantId);
    await table
      .mergeInsert('id')
      .whenMatchedUpdateAll()
      .whenNotMatchedInsertAll()
      .execute(records.map((r) => ({ id: r.id, vector: r.vector, sourceId: r.sourceId, kind: r.kind })));
  }

  async query(
    tenantId: string,
    vector: number[],
    options: { topK: number; filter?: VectorFilter },
  ): Promise<VectorHit[]> {
    const table = await this.table(tenantId);
    let query = table.vectorSearch(vector).distanceType('cosine').limit(options.topK);
    const sql = where(options.filter);
    if (sql) query = query.where(sql);
    const rows = (await query.toArray()) as {
      id: string;
      sourceId: string;
      kind: SourceKind;
      _distance: number;
    }[];
    return rows.map((r) => ({ id: r.id, sourceId: r.sourceId, kind: r.kind, score: 1 - r._distance }));
  }

  async delete(tenantId: string, ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const table = await this.table(tenantId);
    await table.delete(`id IN (${ids.map(literal).join(', ')})`);
  }

  /** Rows in the tenant's table (tests and the bench). */
  async count(tenantId: string): Promise<number> {
    return (await this.table(tenantId)).countRows();
  }

  close(): void {
    void this.connection?.then((db) => db.close());
  }
}
