import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from '../zod';
import { newUlid } from './ids';
import { stripKeys } from './keys';
import type { Page } from './store';

/** A tenant's audit trail: one partition, sorted by ULID (time). */
export const auditKeys = {
  record: (tenantId: string, id: string) => ({ PK: `T#${tenantId}#AUDIT`, SK: `AUD#${id}` }),
  trail: (tenantId: string) => `T#${tenantId}#AUDIT`,
} as const;

export const AuditAction = z.enum([
  'key_created',
  'key_revoked',
  'settings_changed',
  'employee_changed',
  'task_approved',
  'task_rejected',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditRecord = z.object({
  id: z.string(),
  tenantId: z.string(),
  at: z.string(),
  /** Who: `key:<id>`, `user:<clerk user>` or `local-user`. */
  actor: z.string(),
  action: AuditAction,
  /** What: the key, employee or task id, or `settings`. */
  target: z.string(),
  details: z.optional(z.record(z.string(), z.unknown())),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

export class AuditLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(
    tenantId: string,
    entry: Pick<AuditRecord, 'actor' | 'action' | 'target' | 'details'>,
  ): Promise<AuditRecord> {
    const now = Date.now();
    const value = AuditRecord.parse({
      id: newUlid(now),
      tenantId,
      at: new Date(now).toISOString(),
      ...entry,
    });
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...auditKeys.record(tenantId, value.id), entity: 'audit', ...value },
      }),
    );
    return value;
  }

  /** Newest first; `cursor` is the id of the last record of the previous page. */
  async list(tenantId: string, opts: { limit?: number; cursor?: string } = {}): Promise<Page<AuditRecord>> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': auditKeys.trail(tenantId) },
      ScanIndexForward: false,
      Limit: opts.limit ?? 50,
      ...(opts.cursor ? { ExclusiveStartKey: auditKeys.record(tenantId, opts.cursor) } : {}),
    };
    const out = await this.doc.send(new QueryCommand(input));
    const items = (out.Items ?? []).map((i) => AuditRecord.parse(stripKeys(i)));
    const last = items.at(-1);
    return { items, ...(out.LastEvaluatedKey && last ? { next: last.id } : {}) };
  }
}
