import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { newUlid } from './ids';
import { keys } from './keys';

/**
 * Bytes of gzipped JSON per part item: well under DynamoDB's 400 KB item limit with the keys and
 * attribute names beside it, so a checkpoint of any size is stored as parts.
 */
export const CHECKPOINT_PART_BYTES = 350_000;

/** Where a saved checkpoint is: its scope, the version the head points to, and its size. */
export interface CheckpointRef {
  scope: string;
  version: string;
  parts: number;
  bytes: number;
}

/**
 * A step's checkpoint (an employee's conversation between two model calls), saved gzipped in part
 * items under a new version, then made current by one put of its head item: a crash mid-save leaves
 * the previous version whole. The previous version's parts are deleted after the switch.
 */
export class Checkpoints {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(tenantId: string, taskId: string, scope: string, value: unknown): Promise<CheckpointRef> {
    const body = gzipSync(JSON.stringify(value));
    const version = newUlid();
    const parts = Math.max(1, Math.ceil(body.length / CHECKPOINT_PART_BYTES));
    for (let n = 0; n < parts; n++) {
      const part = body.subarray(n * CHECKPOINT_PART_BYTES, (n + 1) * CHECKPOINT_PART_BYTES);
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.checkpointPart(tenantId, taskId, scope, version, n),
            entity: 'checkpoint_part',
            body: part,
          },
        }),
      );
    }
    const previous = await this.head(tenantId, taskId, scope);
    const ref: CheckpointRef = { scope, version, parts, bytes: body.length };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.checkpoint(tenantId, taskId, scope), entity: 'checkpoint', ...ref },
      }),
    );
    if (previous) await this.deleteParts(tenantId, taskId, previous);
    return ref;
  }

  async load<T>(tenantId: string, taskId: string, scope: string): Promise<T | undefined> {
    const head = await this.head(tenantId, taskId, scope);
    if (!head) return undefined;
    const chunks: Uint8Array[] = [];
    for (let n = 0; n < head.parts; n++) {
      const out = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: keys.checkpointPart(tenantId, taskId, scope, head.version, n),
          ConsistentRead: true,
        }),
      );
      const body = out.Item?.['body'];
      if (!(body instanceof Uint8Array)) return undefined;
      chunks.push(body);
    }
    return JSON.parse(gunzipSync(Buffer.concat(chunks)).toString('utf8')) as T;
  }

  async delete(tenantId: string, taskId: string, scope: string): Promise<void> {
    const head = await this.head(tenantId, taskId, scope);
    if (!head) return;
    await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.checkpoint(tenantId, taskId, scope) }),
    );
    await this.deleteParts(tenantId, taskId, head);
  }

  /** Every part item of a task's checkpoints (for tests and clean-up). */
  async countParts(tenantId: string, taskId: string): Promise<number> {
    const { PK } = keys.task(tenantId, taskId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        FilterExpression: 'entity = :e',
        ExpressionAttributeValues: { ':pk': PK, ':p': 'CKPT#', ':e': 'checkpoint_part' },
        Select: 'COUNT',
        ConsistentRead: true,
      }),
    );
    return out.Count ?? 0;
  }

  private async head(tenantId: string, taskId: string, scope: string): Promise<CheckpointRef | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.checkpoint(tenantId, taskId, scope),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    return {
      scope,
      version: String(out.Item['version']),
      parts: Number(out.Item['parts']),
      bytes: Number(out.Item['bytes']),
    };
  }

  private async deleteParts(tenantId: string, taskId: string, ref: CheckpointRef): Promise<void> {
    for (let n = 0; n < ref.parts; n++) {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keys.checkpointPart(tenantId, taskId, ref.scope, ref.version, n),
        }),
      );
    }
  }
}
