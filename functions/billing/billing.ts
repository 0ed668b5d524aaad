import type { BillingSettings } from '@techteam/shared/billing';
import {
  type BillingDeps,
  BillingOff,
  billingDeps,
  resolveBillingSettings,
  stripeClient,
} from '@techteam/shared/billing';
import type { Store } from '@techteam/shared/store';

let ready: Promise<{ settings: BillingSettings; deps: BillingDeps }> | undefined;

/** Billing's settings (keys from Secrets Manager on AWS) and its Stripe client, built once per process. */
export function billing(store: Store): Promise<{ settings: BillingSettings; deps: BillingDeps }> {
  ready ??= resolveBillingSettings(process.env).then((settings) => ({
    settings,
    deps: billingDeps(store, stripeClient(settings), settings),
  }));
  return ready;
}

/** Billing's dependencies, or BillingOff saying why there is no billing here and which plan the tenant has. */
export async function billingOn(store: Store): Promise<BillingDeps> {
  const { settings, deps } = await billing(store);
  if (!settings.enabled)
    throw new BillingOff(settings.offReason ?? 'it is not configured', settings.planWhenOff);
  return deps;
}

/** For tests and the local host: builds again from the environment on next use. */
export function resetBilling(): void {
  ready = undefined;
}
