import { monthlyBudgetWhenUnset, planSourceFromEnv } from '../billing/plan-in-force';
import type { Store } from '../store';
import { StoreMeter } from '../store/store-meter';

/**
 * The store's meter for this process. With billing on, a tenant billing has not yet written a
 * budget for is held to Free's credit from its first call (a new hosted tenant is on Free).
 */
export function meterFor(store: Store): StoreMeter {
  const unset = monthlyBudgetWhenUnset(planSourceFromEnv(process.env));
  return new StoreMeter(store, unset !== undefined ? { monthlyBudgetWhenUnset: unset } : {});
}
