import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { UsageRecord } from '../domain';
import { InvalidInput } from '../errors';
import type { Store } from './store';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Every usage record of a tenant in one calendar month (UTC), oldest first: GSI1's
 * `T#<t>#USAGE#<yyyy-mm>` partition, read page by page to the end.
 */
export async function listTenantUsage(store: Store, tenantId: string, month: string): Promise<UsageRecord[]> {
  if (!MONTH.test(month))
    throw new InvalidInput('month must look like 2026-11', [{ path: 'month', message: 'must be yyyy-mm' }]);
  const records: UsageRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': `T#${tenantId}#USAGE#${month}` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g2, ...record } = item;
      records.push(UsageRecord.parse(record));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return records;
}
