import { BudgetLedger } from './budget-ledger';
import type { Store } from './store';

/** Raises a task's budget, with its budget items and employee shares, at once (see BudgetLedger.raiseTaskBudget). */
export function raiseTaskBudget(
  store: Store,
  tenantId: string,
  taskId: string,
  budgetMicroUsd: number,
): Promise<void> {
  return new BudgetLedger(store.doc, store.tableName).raiseTaskBudget(tenantId, taskId, budgetMicroUsd);
}
