import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { EmployeeProfile, UsageRecord } from '../domain';
import { keys, type Store } from '../store';
import { BudgetLedger, type BudgetLine, budgetLines, type Reservation } from './budget-ledger';
import type { CallContext } from './types';

export type NewUsageRecord = Omit<UsageRecord, 'id' | 'at'>;

/** What the gateway needs to know about a call's tenant and task before routing it. */
export interface CallAccount {
  lines: BudgetLine[];
  /** Where the call's budget holds are recorded (the task's partition). */
  holdPartition?: string;
  /** The tenant opted in to Helicone's cache. */
  heliconeCache: boolean;
}

/**
 * Where the gateway reserves, settles and records money. The store-backed meter
 * is the product; the in-memory one measures the gateway alone (bench) and
 * drives router tests that are about routing, not storage.
 */
export interface UsageMeter {
  account(context: CallContext, profile: Pick<EmployeeProfile, 'id' | 'budgetShare'>): Promise<CallAccount>;
  reserve(account: CallAccount, amountMicroUsd: number, model: string): Promise<Reservation>;
  /** Records a call that consumed tokens (or succeeded), settling its reservation in the same write. */
  settle(record: NewUsageRecord, reservation: Reservation): Promise<void>;
  /** Gives back a reservation for a call that consumed nothing. */
  release(reservation: Reservation): Promise<void>;
}

const TENANT_TTL_MS = 30_000;

/** Budgets and usage records in the single table. */
export class StoreMeter implements UsageMeter {
  private readonly ledger: BudgetLedger;
  private readonly tenants = new Map<
    string,
    { at: number; value: Awaited<ReturnType<Store['getTenant']>> }
  >();

  constructor(private readonly store: Store) {
    this.ledger = new BudgetLedger(store.doc, store.tableName);
  }

  async account(
    context: CallContext,
    profile: Pick<EmployeeProfile, 'id' | 'budgetShare'>,
  ): Promise<CallAccount> {
    const [tenant, budgetMicroUsd] = await Promise.all([
      this.tenant(context.tenantId),
      this.taskBudget(context.tenantId, context.taskId),
    ]);
    const month = new Date().toISOString().slice(0, 7);
    const lines = budgetLines(
      {
        tenantId: context.tenantId,
        id: context.taskId,
        ...(budgetMicroUsd !== undefined ? { budgetMicroUsd } : {}),
      },
      profile,
      tenant,
      month,
    );
    return {
      lines,
      holdPartition: keys.task(context.tenantId, context.taskId).PK,
      heliconeCache: tenant?.heliconeCache === true,
    };
  }

  reserve(account: CallAccount, amountMicroUsd: number, model: string): Promise<Reservation> {
    return this.ledger.reserve(account.lines, amountMicroUsd, model, account.holdPartition);
  }

  async settle(record: NewUsageRecord, reservation: Reservation): Promise<void> {
    try {
      await this.store.recordUsage(record, this.ledger.settleWrites(reservation, record.costMicroUsd));
    } catch (e) {
      // The hold was swept as stale while the call ran (a very slow call): the
      // reservation is already back, so book the spend alone.
      if (!(e instanceof TransactionCanceledException) || !reservation.hold) throw e;
      await this.store.recordUsage(record, this.ledger.settleWrites(reservation, record.costMicroUsd, true));
    }
  }

  release(reservation: Reservation): Promise<void> {
    return this.ledger.release(reservation);
  }

  private async tenant(tenantId: string) {
    const cached = this.tenants.get(tenantId);
    if (cached && Date.now() - cached.at < TENANT_TTL_MS) return cached.value;
    const value = await this.store.getTenant(tenantId);
    this.tenants.set(tenantId, { at: Date.now(), value });
    return value;
  }

  // Read on every call, not cached: a raised budget must count at once (one GetItem per model call).
  private async taskBudget(tenantId: string, taskId: string): Promise<number | undefined> {
    return (await this.store.getTask(tenantId, taskId)).budgetMicroUsd;
  }
}

/** Records in memory, no budgets: for measuring and testing routing alone. */
export class MemoryMeter implements UsageMeter {
  readonly records: NewUsageRecord[] = [];

  async account(): Promise<CallAccount> {
    return { lines: [], heliconeCache: false };
  }
  async reserve(account: CallAccount, amountMicroUsd: number): Promise<Reservation> {
    return { lines: account.lines, amountMicroUsd };
  }
  async settle(record: NewUsageRecord): Promise<void> {
    this.records.push(record);
  }
  async release(): Promise<void> {}
}
