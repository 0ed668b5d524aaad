import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TechteamError } from '../errors';
import { keys } from './keys';
import type { TransactWriteItem } from './transact';

/**
 * The running-task cap, held by one counter item per tenant (`running`: tasks not ended). A task's
 * creation adds one in the same transaction that writes the task, on the condition that the count
 * is below the cap, so two concurrent creates can never both take the last place; the transition
 * that ends a task (store.transitionTask, conditional on the status it leaves, so it lands once)
 * takes one away, and a resume adds it back. Counting the active-task index instead would race:
 * both creates read the same count, and the index is only eventually consistent.
 */

/** The task item's flag: its creation (or resume) added one to the counter, so its ending takes one away. */
export const RUNNING_COUNTED = 'runningCounted';

/** Adds one running task: below `cap` only, when a cap is given. */
export function admitRunningTask(tableName: string, tenantId: string, cap?: number): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.runningTasks(tenantId),
      UpdateExpression: 'SET entity = :entity ADD #running :one',
      ExpressionAttributeNames: { '#running': 'running' },
      ExpressionAttributeValues: {
        ':entity': 'runningTasks',
        ':one': 1,
        ...(cap !== undefined ? { ':cap': cap } : {}),
      },
      ...(cap !== undefined
        ? { ConditionExpression: 'attribute_not_exists(#running) OR #running < :cap' }
        : {}),
    },
  };
}

/** Takes one running task away (a task reached a final status). */
export function releaseRunningTask(tableName: string, tenantId: string): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: keys.runningTasks(tenantId),
      UpdateExpression: 'ADD #running :minusOne',
      ExpressionAttributeNames: { '#running': 'running' },
      ExpressionAttributeValues: { ':minusOne': -1 },
    },
  };
}

/** True when the transaction was refused by the counter's condition at `index`. */
export function refusedByCap(e: unknown, index: number): boolean {
  return (
    e instanceof TransactionCanceledException &&
    e.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed'
  );
}

/** The tenant already has `cap` tasks that have not ended; nothing was written. */
export class RunningTaskCapReached extends TechteamError {
  readonly cap: number;
  constructor(cap: number) {
    super('RunningTaskCapReached', 429, `The tenant already runs its cap of ${cap} task(s)`, { cap });
    this.cap = cap;
  }
}
