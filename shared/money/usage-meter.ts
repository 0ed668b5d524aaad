import type { EmployeeProfile, UsageRecord } from '../domain';
import type { BudgetLine, LimitSource, Reservation } from './budget';

export type NewUsageRecord = Omit<UsageRecord, 'id' | 'at'>;

/** Whose money a call spends. */
export interface MeteredContext {
  tenantId: string;
  taskId: string;
  /**
   * A call that serves no task (a document's ingestion): only the tenant's month is checked
   * and charged, its hold kept in the tenant's partition; `taskId` then only names the work.
   */
  taskless?: boolean;
}

export type BudgetProfile = Pick<EmployeeProfile, 'id' | 'budgetShare'>;

/** What the gateway needs to know about a call's tenant and task before routing it. */
export interface CallAccount {
  lines: BudgetLine[];
  /** Where each line's limit was read, checked again when reserving (see LimitSource). */
  sources: LimitSource[];
  /** Where the call's budget holds are recorded (the task's partition). */
  holdPartition?: string;
  /** The tenant opted in to Helicone's cache. */
  heliconeCache: boolean;
}

/**
 * Where the gateway reserves, settles and records money. The store-backed meter
 * (`StoreMeter`, in shared/store/) is the product; the in-memory one measures the
 * gateway alone (bench) and drives router tests that are about routing, not storage.
 */
export interface UsageMeter {
  account(context: MeteredContext, profile: BudgetProfile): Promise<CallAccount>;
  reserve(account: CallAccount, amountMicroUsd: number, model: string): Promise<Reservation>;
  /**
   * Records a call that consumed tokens (or may have: a timeout), settling its reservation in the
   * same write; a cost above the reservation is booked whole, as an overrun with its own event.
   */
  settle(record: NewUsageRecord, reservation: Reservation): Promise<void>;
  /** Gives back a reservation for a call that consumed nothing. */
  release(reservation: Reservation): Promise<void>;
  /**
   * Records a call that cost nothing and so reserved nothing (the offline embedder): its usage
   * record is written like any other, so the usage report shows it at $0, and no budget moves.
   */
  recordFree(record: NewUsageRecord, context: MeteredContext): Promise<void>;
}

/** Records in memory, no budgets: for measuring and testing routing alone. */
export class MemoryMeter implements UsageMeter {
  readonly records: NewUsageRecord[] = [];

  async account(): Promise<CallAccount> {
    return { lines: [], sources: [], heliconeCache: false };
  }
  async reserve(account: CallAccount, amountMicroUsd: number): Promise<Reservation> {
    return { lines: account.lines, amountMicroUsd };
  }
  async settle(record: NewUsageRecord): Promise<void> {
    this.records.push(record);
  }
  async release(): Promise<void> {}
  async recordFree(record: NewUsageRecord): Promise<void> {
    this.records.push(record);
  }
}
