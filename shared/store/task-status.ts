import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskStatus } from '../domain';
import { keys } from './keys';
import type { Store } from './store';

/**
 * A task's status alone: one strongly consistent GetItem projected to the status, what a running
 * step polls to learn of a cancel made in another process. Undefined when the task is gone.
 */
export async function readTaskStatus(
  store: Store,
  tenantId: string,
  taskId: string,
): Promise<TaskStatus | undefined> {
  const out = await store.doc.send(
    new GetCommand({
      TableName: store.tableName,
      Key: keys.task(tenantId, taskId),
      ProjectionExpression: '#status',
      ExpressionAttributeNames: { '#status': 'status' },
      ConsistentRead: true,
    }),
  );
  return out.Item?.['status'] as TaskStatus | undefined;
}
