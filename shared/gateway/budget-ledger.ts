import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { EmployeeProfile, Task, Tenant } from '../domain';
import { ConcurrentUpdate, InvalidInput, NotFound } from '../errors';
import { keys, newUlid } from '../store';
import { type TransactWriteItem, transactWithRetry } from '../store/transact';
import { BudgetExceeded, type BudgetScope } from './errors';

/** One budget a call counts against, with the limit to start it at if it has no item yet. */
export interface BudgetLine {
  scope: BudgetScope;
  key: { PK: string; SK: string };
  limitMicroUsd: number;
  /** An employee line's share of the task budget, kept so a raised task budget raises it too. */
  share?: number;
}

/** Money held for one call until it settles. */
export interface Reservation {
  lines: BudgetLine[];
  amountMicroUsd: number;
  /** The hold item that records it, so a reservation whose process died can be given back. */
  hold?: { PK: string; SK: string };
}

/** A hold older than this belongs to a call that can no longer settle (its process died). */
export const DEFAULT_HOLD_STALE_AFTER_MS = 15 * 60_000;

export interface BudgetState {
  limitMicroUsd: number;
  remainingMicroUsd: number;
  reservedMicroUsd: number;
  spentMicroUsd: number;
}

/**
 * The budgets a call of this employee on this task counts against: the task's
 * (if it has one), the employee's share of it (if less than all), and the
 * tenant's month (if the tenant has a monthly budget).
 */
export function budgetLines(
  task: Pick<Task, 'tenantId' | 'id' | 'budgetMicroUsd'>,
  profile: Pick<EmployeeProfile, 'id' | 'budgetShare'>,
  tenant: Pick<Tenant, 'monthlyBudgetMicroUsd'> | undefined,
  month: string,
): BudgetLine[] {
  const lines: BudgetLine[] = [];
  if (task.budgetMicroUsd !== undefined) {
    lines.push({
      scope: 'task',
      key: keys.taskBudget(task.tenantId, task.id),
      limitMicroUsd: task.budgetMicroUsd,
    });
    if (profile.budgetShare < 1) {
      lines.push({
        scope: 'employee',
        key: keys.employeeBudget(task.tenantId, task.id, profile.id),
        limitMicroUsd: Math.floor(task.budgetMicroUsd * profile.budgetShare),
        share: profile.budgetShare,
      });
    }
  }
  if (tenant?.monthlyBudgetMicroUsd !== undefined) {
    lines.push({
      scope: 'tenant',
      key: keys.tenantBudget(task.tenantId, month),
      limitMicroUsd: tenant.monthlyBudgetMicroUsd,
    });
  }
  return lines;
}

/**
 * Budgets as DynamoDB items holding `remainingMicroUsd`. A condition expression
 * cannot do arithmetic, so the item keeps the remainder itself: reserving is
 * "remaining >= amount, then subtract" in one conditional write across every
 * line at once, which is what makes concurrent calls unable to overrun a budget.
 */
export class BudgetLedger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
    private readonly staleAfterMs = DEFAULT_HOLD_STALE_AFTER_MS,
  ) {}

  /**
   * Holds `amountMicroUsd` against every line, or none of them, and records the
   * hold in `holdPartition` (the task's) in the same transaction. Throws
   * BudgetExceeded naming the first budget that cannot cover it, after giving
   * back the stale holds of calls whose process died, if that was the reason.
   */
  async reserve(
    lines: BudgetLine[],
    amountMicroUsd: number,
    model: string,
    holdPartition?: string,
  ): Promise<Reservation> {
    try {
      return await this.tryReserve(lines, amountMicroUsd, model, holdPartition);
    } catch (e) {
      if (!(e instanceof BudgetExceeded) || !holdPartition) throw e;
      if ((await this.releaseStaleHolds(holdPartition)) === 0) throw e;
      return this.tryReserve(lines, amountMicroUsd, model, holdPartition);
    }
  }

  private async tryReserve(
    lines: BudgetLine[],
    amountMicroUsd: number,
    model: string,
    holdPartition: string | undefined,
  ): Promise<Reservation> {
    if (!lines.length) return { lines, amountMicroUsd };
    for (const line of lines) {
      if (line.limitMicroUsd < amountMicroUsd) {
        const state = await this.state(line);
        throw new BudgetExceeded(line.scope, state.remainingMicroUsd, amountMicroUsd, model);
      }
    }
    const hold = holdPartition ? { PK: holdPartition, SK: `HOLD#${newUlid(this.now())}` } : undefined;
    const updates = lines.map((line) => this.reserveUpdate(line, amountMicroUsd));
    try {
      if (updates.length === 1 && !hold) {
        await this.doc.send(new UpdateCommand(updates[0]!));
      } else {
        await transactWithRetry(this.doc, {
          TransactItems: [
            ...updates.map((u) => ({ Update: u })),
            ...(hold
              ? [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: {
                        ...hold,
                        entity: 'budget-hold',
                        amountMicroUsd,
                        lines: lines.map((l) => l.key),
                        staleAt: this.now() + this.staleAfterMs,
                      },
                    },
                  },
                ]
              : []),
          ],
        });
      }
    } catch (e) {
      const failed = failedLine(e, lines);
      if (!failed) throw e;
      throw new BudgetExceeded(failed.line.scope, failed.remaining, amountMicroUsd, model);
    }
    return { lines, amountMicroUsd, ...(hold ? { hold } : {}) };
  }

  /**
   * Gives back every hold in the partition that is past its stale time: the
   * call that made it died before it could settle. Returns how many.
   */
  async releaseStaleHolds(holdPartition: string): Promise<number> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :h)',
        FilterExpression: 'staleAt < :now',
        ExpressionAttributeValues: { ':pk': holdPartition, ':h': 'HOLD#', ':now': this.now() },
        ConsistentRead: true,
      }),
    );
    let released = 0;
    for (const item of out.Items ?? []) {
      const amount = Number(item['amountMicroUsd']);
      const keys = item['lines'] as { PK: string; SK: string }[];
      try {
        await transactWithRetry(this.doc, {
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { PK: item['PK'], SK: item['SK'] },
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
            ...keys.map((key) => this.lineUpdate(key, amount, 0)),
          ],
        });
        released++;
      } catch (e) {
        // Settled or released by someone else in the meantime: nothing left to give back.
        if (!(e instanceof TransactionCanceledException)) throw e;
      }
    }
    return released;
  }

  /**
   * The writes that turn a reservation into spend: they go in the same
   * transaction as the usage record. The hold's deletion is conditional: if it
   * is gone, a sweep already gave the reservation back, and `afterRelease`
   * writes are the ones to use instead (spend only).
   */
  settleWrites(reservation: Reservation, actualMicroUsd: number, afterRelease = false): TransactWriteItem[] {
    if (afterRelease) {
      return reservation.lines.map((line) => this.lineUpdate(line.key, 0, actualMicroUsd));
    }
    return [
      ...reservation.lines.map((line) =>
        this.lineUpdate(line.key, reservation.amountMicroUsd, actualMicroUsd),
      ),
      ...(reservation.hold
        ? [
            {
              Delete: {
                TableName: this.tableName,
                Key: reservation.hold,
                ConditionExpression: 'attribute_exists(PK)',
              },
            },
          ]
        : []),
    ];
  }

  /** Gives a reservation back whole: the call consumed nothing. */
  async release(reservation: Reservation): Promise<void> {
    const writes = this.settleWrites(reservation, 0);
    try {
      if (writes.length === 1) await this.doc.send(new UpdateCommand(writes[0]!.Update!));
      else if (writes.length) await transactWithRetry(this.doc, { TransactItems: writes });
    } catch (e) {
      // The hold was already swept: the reservation is back, nothing to do.
      if (!(e instanceof TransactionCanceledException) || !reservation.hold) throw e;
    }
  }

  /** Releases `reserved` and books `spent` on one budget line. */
  private lineUpdate(key: { PK: string; SK: string }, reserved: number, spent: number): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression:
          'SET remainingMicroUsd = remainingMicroUsd + :release ADD reservedMicroUsd :unreserve, spentMicroUsd :spent',
        ExpressionAttributeValues: {
          ':release': reserved - spent,
          ':unreserve': -reserved,
          ':spent': spent,
        },
      },
    };
  }

  async state(line: BudgetLine): Promise<BudgetState> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: line.key, ConsistentRead: true }),
    );
    return stateOf(out.Item, line.limitMicroUsd);
  }

  private reserveUpdate(line: BudgetLine, amountMicroUsd: number) {
    return {
      TableName: this.tableName,
      Key: line.key,
      UpdateExpression:
        'SET remainingMicroUsd = if_not_exists(remainingMicroUsd, :limit) - :amount, ' +
        'limitMicroUsd = if_not_exists(limitMicroUsd, :limit), entity = :entity, #scope = :scope' +
        (line.share !== undefined ? ', #share = if_not_exists(#share, :share) ' : ' ') +
        'ADD reservedMicroUsd :amount',
      ConditionExpression: 'attribute_not_exists(remainingMicroUsd) OR remainingMicroUsd >= :amount',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      ExpressionAttributeNames: {
        '#scope': 'scope',
        ...(line.share !== undefined ? { '#share': 'share' } : {}),
      },
      ExpressionAttributeValues: {
        ':limit': line.limitMicroUsd,
        ':amount': amountMicroUsd,
        ':entity': 'budget',
        ':scope': line.scope,
        ...(line.share !== undefined ? { ':share': line.share } : {}),
      },
    };
  }

  /**
   * Raises a task's budget to `newLimitMicroUsd`: the task, its budget item and
   * every employee share of it, in one transaction, each conditional on the
   * limit it had, so a raise never races a reservation into an overrun.
   */
  async raiseTaskBudget(tenantId: string, taskId: string, newLimitMicroUsd: number): Promise<void> {
    const taskKey = keys.task(tenantId, taskId);
    const current = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: taskKey, ConsistentRead: true }),
    );
    if (!current.Item) throw new NotFound('task', taskId);
    const old = current.Item['budgetMicroUsd'] as number | undefined;
    const status = current.Item['status'] as string;
    if (old === undefined) {
      throw new InvalidInput(
        'Invalid body: budgetUsd: this task was created without a budget, so it has none to raise',
        [{ path: 'budgetUsd', message: 'the task has no budget' }],
      );
    }
    if (newLimitMicroUsd <= old) {
      throw new InvalidInput(
        `Invalid body: budgetUsd: must be more than the task's budget of $${(old / 1_000_000).toFixed(2)}`,
        [{ path: 'budgetUsd', message: `must be more than ${old / 1_000_000}` }],
      );
    }
    if (status === 'succeeded' || status === 'cancelled') {
      throw new InvalidInput(
        `Invalid body: budgetUsd: the task is ${status}; its budget can no longer change`,
        [{ path: 'budgetUsd', message: `the task is ${status}` }],
      );
    }
    const shares = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :e)',
        ExpressionAttributeValues: { ':pk': taskKey.PK, ':e': 'BUDGET#EMP#' },
        ConsistentRead: true,
      }),
    );
    const raise = (key: { PK: string; SK: string }, from: number, to: number, scope: BudgetScope) => ({
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression:
          'SET limitMicroUsd = :to, remainingMicroUsd = if_not_exists(remainingMicroUsd, :from) + :delta, entity = :entity, #scope = :scope',
        ConditionExpression: 'attribute_not_exists(limitMicroUsd) OR limitMicroUsd = :from',
        ExpressionAttributeNames: { '#scope': 'scope' },
        ExpressionAttributeValues: {
          ':from': from,
          ':to': to,
          ':delta': to - from,
          ':entity': 'budget',
          ':scope': scope,
        },
      },
    });
    try {
      await transactWithRetry(this.doc, {
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: taskKey,
              UpdateExpression: 'SET budgetMicroUsd = :to',
              ConditionExpression: 'budgetMicroUsd = :from',
              ExpressionAttributeValues: { ':from': old, ':to': newLimitMicroUsd },
            },
          },
          raise(keys.taskBudget(tenantId, taskId), old, newLimitMicroUsd, 'task'),
          ...(shares.Items ?? [])
            .filter((i) => typeof i['share'] === 'number')
            .map((i) =>
              raise(
                { PK: String(i['PK']), SK: String(i['SK']) },
                Number(i['limitMicroUsd']),
                Math.floor(newLimitMicroUsd * Number(i['share'])),
                'employee',
              ),
            ),
        ],
      });
    } catch (e) {
      if (e instanceof TransactionCanceledException)
        throw new ConcurrentUpdate(`the budget of task ${taskId}`, String(old));
      throw e;
    }
  }
}

function stateOf(item: Record<string, unknown> | undefined, limit: number): BudgetState {
  const n = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  return {
    limitMicroUsd: n(item?.['limitMicroUsd'], limit),
    remainingMicroUsd: n(item?.['remainingMicroUsd'], limit),
    reservedMicroUsd: n(item?.['reservedMicroUsd'], 0),
    spentMicroUsd: n(item?.['spentMicroUsd'], 0),
  };
}

/** Which line's condition failed, and what it had left, from either error shape. */
function failedLine(e: unknown, lines: BudgetLine[]): { line: BudgetLine; remaining: number } | undefined {
  if ((e as Error)?.name === 'ConditionalCheckFailedException') {
    const item = (e as { Item?: Record<string, never> }).Item;
    const line = lines[0]!;
    return {
      line,
      remaining: stateOf(item ? unmarshall(item) : undefined, line.limitMicroUsd).remainingMicroUsd,
    };
  }
  if (!(e instanceof TransactionCanceledException)) return undefined;
  const reasons = e.CancellationReasons ?? [];
  const index = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
  if (index < 0) return undefined;
  const line = lines[index]!;
  const item = reasons[index]!.Item;
  return {
    line,
    remaining: stateOf(item ? unmarshall(item) : undefined, line.limitMicroUsd).remainingMicroUsd,
  };
}
