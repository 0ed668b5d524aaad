import type { BudgetScope } from './errors';

/** Where a budget or a limit lives in the table. */
export interface ItemKey {
  PK: string;
  SK: string;
}

/** One budget a call counts against, with its limit as read for this reservation. */
export interface BudgetLine {
  scope: BudgetScope;
  key: ItemKey;
  limitMicroUsd: number;
}

/**
 * Where a limit was read from (the task's `budgetMicroUsd`, the tenant's
 * `monthlyBudgetMicroUsd`, the employee's `budgetShare`): the reservation's
 * transaction checks it still holds that value (or, with no value, that the
 * attribute is absent), so a limit changed since it was read is never used.
 */
export interface LimitSource {
  key: ItemKey;
  attribute: string;
  value?: number;
}

/** Money held for one call until it settles. */
export interface Reservation {
  lines: BudgetLine[];
  amountMicroUsd: number;
  /** The hold item that records it: whether it settled, was given back, or is still open. */
  hold?: ItemKey;
}

export interface BudgetState {
  limitMicroUsd: number;
  /** The limit minus everything reserved and spent; negative after an overrun. */
  remainingMicroUsd: number;
  reservedMicroUsd: number;
  spentMicroUsd: number;
  /** Spend booked beyond what its calls had reserved (the provider billed more than the worst case). */
  overrunMicroUsd: number;
}
