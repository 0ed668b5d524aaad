import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { memoryKeys } from './memory-keys';
import { queryAll } from './paged-query';

/** What the team remembers of one finished task. */
export interface MemoryRecord {
  /** `mem_<taskId>`: a task is remembered once, and remembering it again replaces it. */
  id: string;
  taskId: string;
  title: string;
  status: string;
  text: string;
  createdAt: string;
}

const FIELDS = ['id', 'taskId', 'title', 'status', 'text', 'createdAt'] as const;
const view = (item: Record<string, unknown>) =>
  Object.fromEntries(FIELDS.map((f) => [f, item[f]])) as unknown as MemoryRecord;

export class Memories {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(tenantId: string, memory: MemoryRecord): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...memoryKeys.memory(tenantId, memory.id), entity: 'memory', ...memory },
      }),
    );
  }

  async get(tenantId: string, memoryId: string): Promise<MemoryRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: memoryKeys.memory(tenantId, memoryId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? view(out.Item) : undefined;
  }

  async list(tenantId: string): Promise<MemoryRecord[]> {
    const items = await queryAll<Record<string, unknown>>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': memoryKeys.memories(tenantId) },
    });
    return items.map(view).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async delete(tenantId: string, memoryId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: memoryKeys.memory(tenantId, memoryId) }),
    );
  }
}
