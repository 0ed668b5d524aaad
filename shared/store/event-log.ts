import { TechteamError } from '../errors';
import { keys } from './keys';
import type { TransactWriteItem } from './transact';

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

/**
 * The guard item of an event write: a check that the log is still open, or, for the write that
 * carries `task_finished` (its event id given), the marker that closes it, put once: the first
 * task_finished wins, any later one is refused like any other late event (TaskLogClosed).
 */
export function eventLogGuard(
  tableName: string,
  tenantId: string,
  taskId: string,
  finishedEventId: string | undefined,
): TransactWriteItem {
  const marker = closedMarker(tenantId, taskId);
  return finishedEventId
    ? {
        Put: {
          TableName: tableName,
          Item: { ...marker, entity: 'eventLogClosed', eventId: finishedEventId },
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
}

/** Opens a finished task's log again, in the transaction that makes it active (a resume). */
export function reopenEventLog(tableName: string, tenantId: string, taskId: string): TransactWriteItem {
  return { Delete: { TableName: tableName, Key: closedMarker(tenantId, taskId) } };
}
