import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from './store';

/** The tenant's tasks not yet ended (GSI2's sparse ACTIVE partition, sort keys prefixed by tenant). */
export async function countRunningTasks(store: Store, tenantId: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :active AND begins_with(GSI2SK, :tenant)',
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':tenant': `T#${tenantId}#TASK#` },
        Select: 'COUNT',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}
