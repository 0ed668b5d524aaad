import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { memoryKeys } from './memory-keys';
import { queryAll } from './paged-query';

/** A chunk of a document or a memory, with its text: what lexical search reads and what a citation shows. */
export interface ChunkRecord {
  /** Unique within the tenant: `<sourceId>.<first 16 hex of its hash>`, also its vector's id. */
  id: string;
  sourceId: string;
  kind: 'document' | 'memory';
  /** The document's name or the memory's title, for citations. */
  sourceName: string;
  position: number;
  hash: string;
  text: string;
  section?: string;
}

/** DynamoDB takes 25 writes per batch. */
const BATCH = 25;

export class Chunks {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async batch(requests: Record<string, unknown>[]): Promise<void> {
    for (let i = 0; i < requests.length; i += BATCH) {
      let pending: Record<string, unknown>[] | undefined = requests.slice(i, i + BATCH);
      for (let attempt = 0; pending?.length; attempt++) {
        const out = await this.doc.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = out.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
        if (pending?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      }
    }
  }

  async put(tenantId: string, chunks: readonly ChunkRecord[]): Promise<void> {
    await this.batch(
      chunks.map((c) => ({
        PutRequest: { Item: { ...memoryKeys.chunk(tenantId, c.sourceId, c.id), entity: 'chunk', ...c } },
      })),
    );
  }

  async delete(tenantId: string, chunks: readonly Pick<ChunkRecord, 'sourceId' | 'id'>[]): Promise<void> {
    await this.batch(
      chunks.map((c) => ({ DeleteRequest: { Key: memoryKeys.chunk(tenantId, c.sourceId, c.id) } })),
    );
  }

  /** The chunks of one source (a document or a memory). */
  async of(tenantId: string, sourceId: string): Promise<ChunkRecord[]> {
    return queryAll<ChunkRecord>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': memoryKeys.chunks(tenantId), ':sk': memoryKeys.chunksOf(sourceId) },
      ConsistentRead: true,
    });
  }

  /** Every chunk of the tenant: the corpus lexical search ranks. */
  async all(tenantId: string): Promise<ChunkRecord[]> {
    return queryAll<ChunkRecord>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': memoryKeys.chunks(tenantId) },
      ConsistentRead: true,
    });
  }
}
