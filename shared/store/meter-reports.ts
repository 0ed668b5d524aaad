import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { stripKeys } from './keys';
import type { Store } from './store';

/**
 * One meter event the usage reporter sends to Stripe: written `pending` before it is
 * sent, so a crash after sending leaves the record, and the next run resends the same
 * `identifier` (which Stripe bills once) instead of making a new one.
 */
export interface MeterReport {
  tenantId: string;
  /** The calendar month (UTC) the overage was spent in, `yyyy-mm`. */
  month: string;
  seq: number;
  /** Stripe's idempotency identifier for the meter event. */
  identifier: string;
  valueMicroUsd: number;
  status: 'pending' | 'acknowledged';
  createdAt: string;
  acknowledgedAt?: string;
}

const seqKey = (seq: number) => String(seq).padStart(6, '0');

export const meterReportKey = (tenantId: string, month: string, seq: number) => ({
  PK: `T#${tenantId}`,
  SK: `METER#${month}#${seqKey(seq)}`,
});

/** A tenant's meter reports per month, and the month's recorded spend they are computed from. */
export class MeterReports {
  constructor(private readonly store: Store) {}

  async list(tenantId: string, month: string): Promise<MeterReport[]> {
    const reports: MeterReport[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.store.doc.send(
        new QueryCommand({
          TableName: this.store.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': `T#${tenantId}`, ':prefix': `METER#${month}#` },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) reports.push(stripKeys(item) as unknown as MeterReport);
      start = page.LastEvaluatedKey;
    } while (start);
    return reports;
  }

  /** Writes a new pending report under `seq`; false if another reporter took that seq first. */
  async open(report: Omit<MeterReport, 'status' | 'createdAt'>, now = new Date()): Promise<boolean> {
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.tableName,
          Item: {
            ...meterReportKey(report.tenantId, report.month, report.seq),
            entity: 'meterReport',
            ...report,
            status: 'pending',
            createdAt: now.toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async acknowledge(
    report: Pick<MeterReport, 'tenantId' | 'month' | 'seq'>,
    now = new Date(),
  ): Promise<void> {
    await this.store.doc.send(
      new UpdateCommand({
        TableName: this.store.tableName,
        Key: meterReportKey(report.tenantId, report.month, report.seq),
        UpdateExpression: 'SET #status = :ack, acknowledgedAt = :at',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':ack': 'acknowledged', ':at': now.toISOString() },
        ConditionExpression: 'attribute_exists(PK)',
      }),
    );
  }

  /** The tenant's model spend in a month, summed from its usage records (GSI1). */
  async recordedSpendMicroUsd(tenantId: string, month: string): Promise<number> {
    let total = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.store.doc.send(
        new QueryCommand({
          TableName: this.store.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': `T#${tenantId}#USAGE#${month}` },
          ProjectionExpression: 'costMicroUsd',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? [])
        total += typeof item['costMicroUsd'] === 'number' ? item['costMicroUsd'] : 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return total;
  }
}
