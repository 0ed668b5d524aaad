import type { Store } from '../store';
import { BillingAccounts } from '../store/billing-accounts';
import { MeterReports } from '../store/meter-reports';
import type { BillingSettings } from './config';
import type { Stripe } from './stripe-client';

/** What billing's functions are given: the store, the Stripe client, the settings and a clock. */
export interface BillingDeps {
  store: Store;
  accounts: BillingAccounts;
  reports: MeterReports;
  stripe: Stripe;
  settings: BillingSettings;
  now: () => Date;
}

export function billingDeps(
  store: Store,
  stripe: Stripe,
  settings: BillingSettings,
  now: () => Date = () => new Date(),
): BillingDeps {
  return {
    store,
    accounts: new BillingAccounts(store),
    reports: new MeterReports(store),
    stripe,
    settings,
    now,
  };
}
