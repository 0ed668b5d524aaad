import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { NewTaskEvent } from '../domain';
import { NotFound } from '../errors';
import {
  type BudgetProfile,
  type CallAccount,
  type MeteredContext as CallContext,
  LimitChanged,
  type LimitSource,
  type NewUsageRecord,
  type Reservation,
  type UsageMeter,
} from '../money';
import { BudgetLedger, type BudgetLedgerOptions, budgetLines } from './budget-ledger';
import { keys } from './keys';
import type { Store } from './store';

/** Cached limits are checked in every reservation's transaction, so this only bounds staleness of a refusal's message. */
const LIMIT_CACHE_TTL_MS = 30_000;
const LIMIT_CACHE_MAX = 10_000;

interface Limits {
  tenant: { monthlyBudgetMicroUsd?: number; heliconeCache?: boolean } | undefined;
  taskBudgetMicroUsd: number | undefined;
  /** The employee item's share; undefined when the tenant has no item for it (a built-in). */
  storedShare: number | undefined;
}

export interface StoreMeterOptions {
  ledger?: BudgetLedgerOptions;
  now?: () => number;
  /**
   * The monthly budget of a tenant whose item sets none. With billing on, a tenant billing has
   * not written to yet is on Free, and Free's credit holds from its first call (billing/plan-in-force.ts).
   */
  monthlyBudgetWhenUnset?: number;
}

/**
 * Budgets and usage records in the single table. The limits a call counts
 * against (the tenant's month, the task's budget, the employee's share) are
 * cached per process, and each reservation's transaction checks that they still
 * hold, so the steady state is two writes per call (reserve, settle) and a
 * changed limit still counts at the very next reservation.
 */
export class StoreMeter implements UsageMeter {
  private readonly ledger: BudgetLedger;
  private readonly now: () => number;
  private readonly limits = new Map<string, { at: number; value: Limits }>();
  /** Who each account is for, so a reservation that finds a limit changed can read it again. */
  private readonly owners = new WeakMap<CallAccount, { context: CallContext; profile: BudgetProfile }>();
  /** Reservations of task-less calls, settled on the tenant's month alone (no task log to write to). */
  private readonly taskless = new WeakSet<Reservation>();
  private readonly monthlyBudgetWhenUnset: number | undefined;

  constructor(
    private readonly store: Store,
    options: StoreMeterOptions = {},
  ) {
    this.ledger = new BudgetLedger(store.doc, store.tableName, options.ledger);
    this.now = options.now ?? Date.now;
    this.monthlyBudgetWhenUnset = options.monthlyBudgetWhenUnset;
  }

  /** The tenant's limits as the lines count them: its own budget, else the default for one unset. */
  private tenantLines<T extends { monthlyBudgetMicroUsd?: number }>(tenant: T | undefined): T | undefined {
    if (this.monthlyBudgetWhenUnset === undefined || tenant?.monthlyBudgetMicroUsd !== undefined)
      return tenant;
    return { ...(tenant ?? ({} as T)), monthlyBudgetMicroUsd: this.monthlyBudgetWhenUnset };
  }

  async account(context: CallContext, profile: BudgetProfile, fresh = false): Promise<CallAccount> {
    if (context.taskless) return this.tasklessAccount(context, profile, fresh);
    const limits = await this.readLimits(context, profile, fresh);
    const share = limits.storedShare ?? profile.budgetShare;
    const month = new Date(this.now()).toISOString().slice(0, 7);
    const lines = budgetLines(
      {
        tenantId: context.tenantId,
        id: context.taskId,
        ...(limits.taskBudgetMicroUsd !== undefined ? { budgetMicroUsd: limits.taskBudgetMicroUsd } : {}),
      },
      { id: profile.id, budgetShare: share },
      this.tenantLines(limits.tenant),
      month,
    );
    const sources: LimitSource[] = [
      {
        key: keys.tenant(context.tenantId),
        attribute: 'monthlyBudgetMicroUsd',
        ...opt(limits.tenant?.monthlyBudgetMicroUsd),
      },
      {
        key: keys.task(context.tenantId, context.taskId),
        attribute: 'budgetMicroUsd',
        ...opt(limits.taskBudgetMicroUsd),
      },
    ];
    if (limits.taskBudgetMicroUsd !== undefined) {
      const employee = keys.employee(context.tenantId, profile.id);
      sources.push(
        limits.storedShare === undefined
          ? { key: employee, attribute: 'PK' }
          : { key: employee, attribute: 'budgetShare', value: limits.storedShare },
      );
    }
    const account: CallAccount = {
      lines,
      sources,
      holdPartition: keys.task(context.tenantId, context.taskId).PK,
      heliconeCache: limits.tenant?.heliconeCache === true,
    };
    this.owners.set(account, { context, profile });
    return account;
  }

  /**
   * Reserves against the limits as cached; when the transaction finds one moved
   * it reads them afresh and tries again, so a raised budget is never refused on
   * a stale read and a lowered one never admits a call (the ledger refuses only
   * on limits it has checked are current).
   */
  async reserve(account: CallAccount, amountMicroUsd: number, model: string): Promise<Reservation> {
    for (let attempt = 0; ; attempt++) {
      try {
        const reservation = await this.ledger.reserve(
          account.lines,
          amountMicroUsd,
          model,
          account.holdPartition,
          account.sources,
        );
        if (this.owners.get(account)?.context.taskless) this.taskless.add(reservation);
        return reservation;
      } catch (e) {
        const owner = this.owners.get(account);
        if (!(e instanceof LimitChanged) || !owner || attempt >= 3) throw e;
        const fresh = await this.account(owner.context, owner.profile, true);
        account.lines = fresh.lines;
        account.sources = fresh.sources;
      }
    }
  }

  async settle(record: NewUsageRecord, reservation: Reservation): Promise<void> {
    if (this.taskless.has(reservation)) {
      // No task, so no task totals or event: the record lands in the month's usage with the settlement.
      await this.ledger.settle(reservation, record.costMicroUsd, async (writes) => {
        await this.store.recordTasklessUsage(record, writes);
      });
      return;
    }
    const overrun = record.costMicroUsd - reservation.amountMicroUsd;
    const events: NewTaskEvent[] =
      overrun > 0
        ? [
            {
              type: 'budget_overrun',
              ...(record.stepId ? { stepId: record.stepId } : {}),
              employee: record.employeeId,
              provider: record.provider,
              model: record.model,
              reservedMicroUsd: reservation.amountMicroUsd,
              costMicroUsd: record.costMicroUsd,
              overrunMicroUsd: overrun,
            },
          ]
        : [];
    await this.ledger.settle(reservation, record.costMicroUsd, async (writes) => {
      await this.store.recordUsage(record, writes, events);
    });
  }

  release(reservation: Reservation): Promise<void> {
    return this.ledger.release(reservation);
  }

  async recordFree(record: NewUsageRecord, context: CallContext): Promise<void> {
    if (context.taskless) await this.store.recordTasklessUsage(record);
    else await this.store.recordUsage(record);
  }

  /** A task-less call's account: the tenant's monthly budget is its only line. */
  private async tasklessAccount(
    context: CallContext,
    profile: BudgetProfile,
    fresh: boolean,
  ): Promise<CallAccount> {
    const id = `${context.tenantId}\u0000`;
    const cached = this.limits.get(id);
    let tenant = cached?.value.tenant;
    if (fresh || !cached || this.now() - cached.at >= LIMIT_CACHE_TTL_MS) {
      const out = await this.store.doc.send(
        new GetCommand({
          TableName: this.store.tableName,
          Key: keys.tenant(context.tenantId),
          ProjectionExpression: 'monthlyBudgetMicroUsd',
          ConsistentRead: true,
        }),
      );
      const budget = out.Item?.['monthlyBudgetMicroUsd'];
      tenant = typeof budget === 'number' ? { monthlyBudgetMicroUsd: budget } : undefined;
      this.limits.set(id, {
        at: this.now(),
        value: { tenant, taskBudgetMicroUsd: undefined, storedShare: undefined },
      });
    }
    const month = new Date(this.now()).toISOString().slice(0, 7);
    const lines = budgetLines(
      { tenantId: context.tenantId, id: context.taskId },
      profile,
      this.tenantLines(tenant),
      month,
    );
    const account: CallAccount = {
      lines,
      sources: [
        {
          key: keys.tenant(context.tenantId),
          attribute: 'monthlyBudgetMicroUsd',
          ...opt(tenant?.monthlyBudgetMicroUsd),
        },
      ],
      holdPartition: keys.tenant(context.tenantId).PK,
      heliconeCache: false,
    };
    this.owners.set(account, { context, profile });
    return account;
  }

  private async readLimits(context: CallContext, profile: BudgetProfile, fresh: boolean): Promise<Limits> {
    const id = `${context.tenantId}\u0000${context.taskId}\u0000${profile.id}`;
    const cached = this.limits.get(id);
    if (!fresh && cached && this.now() - cached.at < LIMIT_CACHE_TTL_MS) return cached.value;
    // Consistent reads: after a reservation found a limit moved, an eventually consistent read could return the old one.
    const get = (Key: { PK: string; SK: string }, ProjectionExpression: string) =>
      this.store.doc.send(
        new GetCommand({ TableName: this.store.tableName, Key, ProjectionExpression, ConsistentRead: true }),
      );
    const [tenant, task, employee] = await Promise.all([
      get(keys.tenant(context.tenantId), 'monthlyBudgetMicroUsd, heliconeCache'),
      get(keys.task(context.tenantId, context.taskId), 'PK, budgetMicroUsd'),
      get(keys.employee(context.tenantId, profile.id), 'PK, budgetShare'),
    ]);
    if (!task.Item) throw new NotFound('task', context.taskId);
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const value: Limits = {
      tenant: tenant.Item
        ? {
            ...(num(tenant.Item['monthlyBudgetMicroUsd']) !== undefined
              ? { monthlyBudgetMicroUsd: num(tenant.Item['monthlyBudgetMicroUsd'])! }
              : {}),
            heliconeCache: tenant.Item['heliconeCache'] === true,
          }
        : undefined,
      taskBudgetMicroUsd: num(task.Item['budgetMicroUsd']),
      storedShare: employee.Item ? (num(employee.Item['budgetShare']) ?? 1) : undefined,
    };
    if (this.limits.size >= LIMIT_CACHE_MAX) this.limits.clear();
    this.limits.set(id, { at: this.now(), value });
    return value;
  }
}

function opt(value: number | undefined): { value?: number } {
  return value === undefined ? {} : { value };
}
