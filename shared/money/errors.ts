import { TechteamError } from '../errors';
import type { LimitSource } from './budget';
import { formatMicroUsdFixed } from './money';

export type BudgetScope = 'task' | 'employee' | 'tenant';

/** A call's worst-case cost does not fit a budget; no provider was contacted. */
export class BudgetExceeded extends TechteamError {
  readonly scope: BudgetScope;
  readonly remainingMicroUsd: number;
  readonly neededMicroUsd: number;
  constructor(scope: BudgetScope, remainingMicroUsd: number, neededMicroUsd: number, model: string) {
    const usd = (micro: number) => formatMicroUsdFixed(micro, 6);
    super(
      'BudgetExceeded',
      402,
      `The ${scope} budget has ${usd(Math.max(0, remainingMicroUsd))} left, and a call to ${model} may cost up to ${usd(neededMicroUsd)}. ` +
        (scope === 'tenant'
          ? "Raise the tenant's monthly budget or wait for next month."
          : 'Raise the task budget (budgetUsd) or give the employee a larger budgetShare.'),
      { scope, remainingMicroUsd, neededMicroUsd, model },
    );
    this.scope = scope;
    this.remainingMicroUsd = remainingMicroUsd;
    this.neededMicroUsd = neededMicroUsd;
  }
}

/**
 * A limit read from a cache changed before the reservation's transaction: the meter reads it
 * again and reserves again. Never reaches a user (the meter retries it away).
 */
export class LimitChanged extends TechteamError {
  readonly source: LimitSource;
  constructor(source: LimitSource) {
    super(
      'LimitChanged',
      409,
      `the limit in ${source.key.PK}/${source.key.SK}.${source.attribute} changed since it was read`,
      { attribute: source.attribute },
    );
    this.source = source;
  }
}
