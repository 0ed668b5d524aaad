export type { BudgetLine, BudgetState, ItemKey, LimitSource, Reservation } from './budget';
export { BudgetExceeded, type BudgetScope, LimitChanged } from './errors';
export {
  formatMicroUsd,
  formatMicroUsdFixed,
  MICRO_USD_PER_USD,
  microUsdToUsd,
  usdStringToMicroUsd,
  usdToMicroUsd,
} from './money';
export { effectiveMonthlyBudgetMicroUsd, type MonthlyBudgetInputs } from './monthly-budget';
export {
  type BudgetProfile,
  type CallAccount,
  MemoryMeter,
  type MeteredContext,
  type NewUsageRecord,
  type UsageMeter,
} from './usage-meter';
