import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TechteamError } from '../errors';
import { keys } from './keys';
import { type TransactWriteItem, transactWithRetry } from './transact';

/**
 * A task's event log ends with its `task_finished` event. Work still running when the task
 * ended (a cancelled turn's tool result, a late step event) must not write after it, and a
 * second `task_finished` (a cancel racing a reconcile) must not be written at all.
 */
export class TaskLogClosed extends TechteamError {
  constructor(taskId: string, eventType: string) {
    super(
      'TaskLogClosed',
      409,
      `Task ${taskId} has finished; its '${eventType}' event was not recorded (nothing is recorded after task_finished)`,
      { taskId, eventType },
    );
  }
}

/**
 * The marker the finishing write leaves beside the log: its own item, not the task's, so the
 * guard's condition check never contends with writes to the task item (status, counters, budget).
 */
const closedMarker = (tenantId: string, taskId: string) => ({
  PK: keys.task(tenantId, taskId).PK,
  SK: 'EVLOG#CLOSED',
});

function closedByCondition(e: unknown): boolean {
  return (
    e instanceof TransactionCanceledException &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}

/**
 * Puts one event item unless the task's log is closed. `task_finished` closes it in the same
 * transaction, once: the first one wins, any later one is refused like any other late event.
 * Throws TaskLogClosed when refused.
 */
export async function putEventWhileOpen(
  doc: DynamoDBDocumentClient,
  tableName: string,
  event: { tenantId: string; taskId: string; id: string; type: string },
  item: Record<string, unknown>,
): Promise<void> {
  const marker = closedMarker(event.tenantId, event.taskId);
  const closes = event.type === 'task_finished';
  const guard: TransactWriteItem = closes
    ? {
        Put: {
          TableName: tableName,
          Item: { ...marker, entity: 'eventLogClosed', eventId: event.id },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      }
    : {
        ConditionCheck: {
          TableName: tableName,
          Key: marker,
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      };
  try {
    await transactWithRetry(doc, {
      TransactItems: [
        guard,
        { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' } },
      ],
    });
  } catch (e) {
    if (closedByCondition(e)) throw new TaskLogClosed(event.taskId, event.type);
    throw e;
  }
}

/** Opens a finished task's log again, in the transaction that makes it active (a resume). */
export function reopenEventLog(tableName: string, tenantId: string, taskId: string): TransactWriteItem {
  return { Delete: { TableName: tableName, Key: closedMarker(tenantId, taskId) } };
}
