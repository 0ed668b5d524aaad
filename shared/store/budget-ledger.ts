import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { EmployeeProfile, Task, Tenant } from '../domain';
import { ConcurrentUpdate, InvalidInput, NotFound } from '../errors';
import {
  BudgetExceeded,
  type BudgetLine,
  type BudgetState,
  formatMicroUsdFixed,
  LimitChanged,
  type LimitSource,
  microUsdToUsd,
  type Reservation,
} from '../money';
import { newUlid } from './ids';
import { keys } from './keys';
import { TTL_ATTRIBUTE } from './table';
import { type TransactWriteItem, transactWithRetry } from './transact';

/** A hold older than this belongs to a call that can no longer settle (its process died). */
export const DEFAULT_HOLD_STALE_AFTER_MS = 15 * 60_000;
/** A settled or given-back hold stays this long, so a settle retried after a lost answer sees it landed. */
const CLOSED_HOLD_TTL_SECONDS = 24 * 60 * 60;

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

export interface BudgetLedgerOptions {
  now?: () => number;
  staleAfterMs?: number;
  /** Waits between settle attempts (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Budgets as DynamoDB items holding what is used of them (`usedMicroUsd`:
 * reserved plus spent), never a remainder computed from a limit: the limit is
 * read at each reservation, so a budget changed mid-month or mid-task counts at
 * the next call. A condition cannot do arithmetic, so the caller turns the limit
 * into a ceiling (`used <= limit - amount`); reserving is that condition and an
 * ADD, across every line at once, in one conditional write, which is what keeps
 * concurrent calls from overrunning a budget.
 */
export class BudgetLedger {
  private readonly now: () => number;
  private readonly staleAfterMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: BudgetLedgerOptions | (() => number) = {},
  ) {
    const o = typeof options === 'function' ? { now: options } : options;
    this.now = o.now ?? Date.now;
    this.staleAfterMs = o.staleAfterMs ?? DEFAULT_HOLD_STALE_AFTER_MS;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = o.random ?? Math.random;
  }

  /**
   * Holds `amountMicroUsd` against every line, or none of them, and records the
   * hold in `holdPartition` (the task's) in the same transaction, which also
   * checks every limit source. Throws BudgetExceeded naming the first budget
   * that cannot cover it (after giving back the stale holds of calls whose
   * process died, if that was the reason), LimitChanged if a source moved.
   */
  async reserve(
    lines: BudgetLine[],
    amountMicroUsd: number,
    model: string,
    holdPartition?: string,
    sources: LimitSource[] = [],
  ): Promise<Reservation> {
    try {
      return await this.reserveThroughContention(lines, amountMicroUsd, model, holdPartition, sources);
    } catch (e) {
      if (!(e instanceof BudgetExceeded) || !holdPartition) throw e;
      if ((await this.releaseStaleHolds(holdPartition)) === 0) throw e;
      return this.tryReserve(lines, amountMicroUsd, model, holdPartition, sources);
    }
  }

  /** Many calls of one task reserve against the same items at once: losing to another is not a refusal. */
  private async reserveThroughContention(
    lines: BudgetLine[],
    amountMicroUsd: number,
    model: string,
    holdPartition: string | undefined,
    sources: LimitSource[],
  ): Promise<Reservation> {
    for (let round = 0; ; round++) {
      try {
        return await this.tryReserve(lines, amountMicroUsd, model, holdPartition, sources);
      } catch (e) {
        if (!conflictOnly(e) || round >= 5) throw e;
        await this.sleep(this.random() * 100 * (round + 1));
      }
    }
  }

  private async tryReserve(
    lines: BudgetLine[],
    amountMicroUsd: number,
    model: string,
    holdPartition: string | undefined,
    sources: LimitSource[],
  ): Promise<Reservation> {
    for (const line of lines) {
      if (line.limitMicroUsd < amountMicroUsd) {
        await this.checkSources(sources);
        const state = await this.state(line);
        throw new BudgetExceeded(line.scope, state.remainingMicroUsd, amountMicroUsd, model);
      }
    }
    const hold =
      holdPartition && lines.length ? { PK: holdPartition, SK: `HOLD#${newUlid(this.now())}` } : undefined;
    const items: TransactWriteItem[] = [
      ...lines.map((line) => ({ Update: this.reserveUpdate(line, amountMicroUsd) })),
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
      ...sources.map((source) => ({ ConditionCheck: this.sourceCheck(source) })),
    ];
    if (!items.length) return { lines, amountMicroUsd };
    try {
      if (items.length === 1 && items[0]!.Update) {
        await this.doc.send(new UpdateCommand(items[0]!.Update));
      } else {
        await transactWithRetry(this.doc, { TransactItems: items });
      }
    } catch (e) {
      const failed = failedItems(e);
      if (failed === undefined) throw e;
      const firstSource = lines.length + (hold ? 1 : 0);
      const moved = failed.find((f) => f.index >= firstSource);
      if (moved) throw new LimitChanged(sources[moved.index - firstSource]!);
      const lineFailure = failed.find((f) => f.index < lines.length);
      if (!lineFailure) throw e;
      // A refusal must rest on current limits; not every engine reports every failed condition.
      await this.checkSources(sources);
      const line = lines[lineFailure.index]!;
      throw new BudgetExceeded(
        line.scope,
        line.limitMicroUsd - usedOf(lineFailure.item),
        amountMicroUsd,
        model,
      );
    }
    return { lines, amountMicroUsd, ...(hold ? { hold } : {}) };
  }

  /** Throws LimitChanged if a limit source no longer holds the value it was read with. */
  private async checkSources(sources: LimitSource[]): Promise<void> {
    if (!sources.length) return;
    try {
      await transactWithRetry(this.doc, {
        TransactItems: sources.map((source) => ({ ConditionCheck: this.sourceCheck(source) })),
      });
    } catch (e) {
      const failed = failedItems(e);
      if (!failed?.length) throw e;
      throw new LimitChanged(sources[failed[0]!.index]!);
    }
  }

  /**
   * Gives back every open hold in the partition that is past its stale time:
   * the call that made it died before it could settle. Returns how many.
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
      const lineKeys = item['lines'] as { PK: string; SK: string }[];
      try {
        await transactWithRetry(this.doc, {
          TransactItems: [
            {
              Delete: {
                TableName: this.tableName,
                Key: { PK: item['PK'], SK: item['SK'] },
                ConditionExpression: 'attribute_exists(PK) AND staleAt < :now',
                ExpressionAttributeValues: { ':now': this.now() },
              },
            },
            this.closedHoldPut(
              { PK: String(item['PK']), SK: String(item['SK']) },
              'released',
              Number(item['amountMicroUsd']),
            ),
            ...lineKeys.map((key) => this.lineUpdate(key, amount, 0)),
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
   * Turns a reservation into spend, through `commit` (which writes the given
   * items in one transaction with the usage record): retried with jittered
   * backoff while it loses to contention or the table is unreachable, until the
   * hold goes stale. Idempotent: settling closes the hold (its `HOLD-SETTLED#`
   * item), so an attempt whose answer was lost is seen to have landed and is not
   * booked twice; a hold already given back by a sweep gets the spend alone.
   */
  async settle(
    reservation: Reservation,
    actualMicroUsd: number,
    commit: (writes: TransactWriteItem[]) => Promise<void>,
  ): Promise<void> {
    const deadline = this.now() + this.staleAfterMs;
    let afterRelease = false;
    for (let attempt = 0; ; attempt++) {
      try {
        await commit(this.settleWrites(reservation, actualMicroUsd, afterRelease));
        return;
      } catch (e) {
        if (reservation.hold && conditionFailed(e)) {
          const hold = await this.holdState(reservation.hold);
          if (hold === 'settled') return;
          if (hold === 'released' && !afterRelease) {
            afterRelease = true;
            continue;
          }
          throw e;
        }
        if (!mayRetry(e) || this.now() >= deadline) throw e;
        await this.sleep(this.random() * Math.min(1_000, 20 * 2 ** Math.min(attempt, 10)));
      }
    }
  }

  /** Gives a reservation back whole: the call consumed nothing. */
  release(reservation: Reservation): Promise<void> {
    return this.settle(reservation, 0, async (writes) => {
      if (writes.length === 1) await this.doc.send(new UpdateCommand(writes[0]!.Update!));
      else if (writes.length) await transactWithRetry(this.doc, { TransactItems: writes });
    });
  }

  /**
   * The writes that settle a reservation at `actualMicroUsd`: release what was
   * reserved and book what was spent, even beyond the reservation (an overrun,
   * which the next reservation sees), and close the hold. With `afterRelease`
   * a sweep already gave the reservation back: book the spend only.
   */
  settleWrites(reservation: Reservation, actualMicroUsd: number, afterRelease = false): TransactWriteItem[] {
    const reserved = afterRelease ? 0 : reservation.amountMicroUsd;
    const overrun = Math.max(0, actualMicroUsd - reservation.amountMicroUsd);
    return [
      ...reservation.lines.map((line) => this.lineUpdate(line.key, reserved, actualMicroUsd, overrun)),
      ...(reservation.hold && !afterRelease
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
      ...(reservation.hold ? [this.closedHoldPut(reservation.hold, 'settled', actualMicroUsd)] : []),
    ];
  }

  /**
   * How a hold ended, as its own item beside the partition's open holds (so a
   * sweep's query reads only open ones). Its put is conditional: a second
   * settle of the same hold fails on it, and then finds it.
   */
  private closedHoldPut(
    hold: { PK: string; SK: string },
    how: 'settled' | 'released',
    amountMicroUsd: number,
  ): TransactWriteItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: {
          ...closedHoldKey(hold, how),
          entity: 'budget-hold-closed',
          amountMicroUsd,
          at: this.now(),
          [TTL_ATTRIBUTE]: Math.floor(this.now() / 1000) + CLOSED_HOLD_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    };
  }

  /** Whether a hold is still open, settled, or was given back by a sweep. */
  async holdState(hold: { PK: string; SK: string }): Promise<'open' | 'settled' | 'released' | 'missing'> {
    const exists = async (Key: { PK: string; SK: string }) =>
      !!(await this.doc.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }))).Item;
    if (await exists(closedHoldKey(hold, 'settled'))) return 'settled';
    if (await exists(hold)) return 'open';
    if (await exists(closedHoldKey(hold, 'released'))) return 'released';
    return 'missing';
  }

  /** Releases `reserved` and books `spent` (of which `overrun` was beyond the reservation) on one budget line. */
  private lineUpdate(
    key: { PK: string; SK: string },
    reserved: number,
    spent: number,
    overrun = 0,
  ): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `ADD usedMicroUsd :used, reservedMicroUsd :unreserve, spentMicroUsd :spent${overrun ? ', overrunMicroUsd :overrun' : ''}`,
        ExpressionAttributeValues: {
          ':used': spent - reserved,
          ':unreserve': -reserved,
          ':spent': spent,
          ...(overrun ? { ':overrun': overrun } : {}),
        },
      },
    };
  }

  async state(line: BudgetLine): Promise<BudgetState> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: line.key, ConsistentRead: true }),
    );
    const n = (v: unknown) => (typeof v === 'number' ? v : 0);
    return {
      limitMicroUsd: line.limitMicroUsd,
      remainingMicroUsd: line.limitMicroUsd - n(out.Item?.['usedMicroUsd']),
      reservedMicroUsd: n(out.Item?.['reservedMicroUsd']),
      spentMicroUsd: n(out.Item?.['spentMicroUsd']),
      overrunMicroUsd: n(out.Item?.['overrunMicroUsd']),
    };
  }

  private reserveUpdate(line: BudgetLine, amountMicroUsd: number) {
    return {
      TableName: this.tableName,
      Key: line.key,
      UpdateExpression:
        'SET entity = :entity, #scope = :scope, limitMicroUsd = :limit ADD usedMicroUsd :amount, reservedMicroUsd :amount',
      ConditionExpression: 'attribute_not_exists(usedMicroUsd) OR usedMicroUsd <= :ceiling',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      ExpressionAttributeNames: { '#scope': 'scope' },
      ExpressionAttributeValues: {
        ':limit': line.limitMicroUsd,
        ':ceiling': line.limitMicroUsd - amountMicroUsd,
        ':amount': amountMicroUsd,
        ':entity': 'budget',
        ':scope': line.scope,
      },
    };
  }

  private sourceCheck(source: LimitSource) {
    return {
      TableName: this.tableName,
      Key: source.key,
      ConditionExpression: source.value === undefined ? 'attribute_not_exists(#a)' : '#a = :v',
      ExpressionAttributeNames: { '#a': source.attribute },
      ...(source.value === undefined ? {} : { ExpressionAttributeValues: { ':v': source.value } }),
    };
  }

  /**
   * Raises a task's budget to `newLimitMicroUsd`. Budget items hold what is
   * used, not what is left, so the task item is the one place the limit lives:
   * the next reservation reads it (and checks it in its transaction).
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
        `Invalid body: budgetUsd: must be more than the task's budget of ${formatMicroUsdFixed(old, 2)}`,
        [{ path: 'budgetUsd', message: `must be more than ${microUsdToUsd(old)}` }],
      );
    }
    if (status === 'succeeded' || status === 'cancelled') {
      throw new InvalidInput(
        `Invalid body: budgetUsd: the task is ${status}; its budget can no longer change`,
        [{ path: 'budgetUsd', message: `the task is ${status}` }],
      );
    }
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: taskKey,
          UpdateExpression: 'SET budgetMicroUsd = :to',
          ConditionExpression: 'budgetMicroUsd = :from',
          ExpressionAttributeValues: { ':from': old, ':to': newLimitMicroUsd },
        }),
      );
    } catch (e) {
      if ((e as Error)?.name === 'ConditionalCheckFailedException')
        throw new ConcurrentUpdate(`the budget of task ${taskId}`, String(old));
      throw e;
    }
  }
}

/** `HOLD#<id>` while open; `HOLD-SETTLED#<id>` or `HOLD-RELEASED#<id>` once it ended. */
function closedHoldKey(hold: { PK: string; SK: string }, how: 'settled' | 'released') {
  return {
    PK: hold.PK,
    SK: hold.SK.replace(/^HOLD#/, how === 'settled' ? 'HOLD-SETTLED#' : 'HOLD-RELEASED#'),
  };
}

/** Errors a settle must not retry: its request is wrong, not unlucky. */
const PERMANENT = new Set([
  'ValidationException',
  'ResourceNotFoundException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'SerializationException',
  'ItemCollectionSizeLimitExceededException',
]);

function mayRetry(e: unknown): boolean {
  return !PERMANENT.has((e as Error)?.name) && !conditionFailed(e);
}

function conditionFailed(e: unknown): boolean {
  if ((e as Error)?.name === 'ConditionalCheckFailedException') return true;
  return (
    e instanceof TransactionCanceledException &&
    (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed')
  );
}

function conflictOnly(e: unknown): boolean {
  if (!(e instanceof TransactionCanceledException))
    return (e as Error)?.name === 'TransactionConflictException';
  const codes = (e.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
  return (
    codes.includes('TransactionConflict') && codes.every((c) => c === 'TransactionConflict' || c === 'None')
  );
}

function usedOf(item: Record<string, unknown> | undefined): number {
  const used = item?.['usedMicroUsd'];
  return typeof used === 'number' ? used : 0;
}

/** Which items' conditions failed, with each item as it was, from either error shape; undefined if none did. */
function failedItems(e: unknown): { index: number; item: Record<string, unknown> | undefined }[] | undefined {
  if ((e as Error)?.name === 'ConditionalCheckFailedException') {
    const item = (e as { Item?: Record<string, never> }).Item;
    return [{ index: 0, item: item ? unmarshall(item) : undefined }];
  }
  if (!(e instanceof TransactionCanceledException)) return undefined;
  const failed = (e.CancellationReasons ?? []).flatMap((r, index) =>
    r.Code === 'ConditionalCheckFailed' ? [{ index, item: r.Item ? unmarshall(r.Item) : undefined }] : [],
  );
  return failed.length ? failed : undefined;
}
