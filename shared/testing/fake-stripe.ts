import Stripe from 'stripe';
import {
  type BillingDeps,
  billingDeps,
  loadBillingSettings,
  stripeClient,
  syncStripeCatalog,
} from '../billing';
import type { Store } from '../store';
import { freshStore } from './dynamo';
import { type FakeStripe, startFakeStripe } from './fake-stripe-server';

export const TEST_WEBHOOK_SECRET = 'whsec_test_techteam';

/**
 * Billing wired to a fresh table and a fake Stripe that has been synced with the plan
 * catalog: what the billing tests start from. `clock.at` moves time for the code under test.
 */
export interface BillingTestbed {
  fake: FakeStripe;
  store: Store;
  deps: BillingDeps;
  clock: { at: Date };
  /** Signs an event as Stripe would (`generateTestHeaderString`) and delivers it. */
  sign(event: object): { payload: string; signature: string };
  close(): Promise<void>;
}

export async function billingTestbed(): Promise<BillingTestbed> {
  const fake = await startFakeStripe();
  const settings = loadBillingSettings({
    STRIPE_SECRET_KEY: 'sk_test_techteam',
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    TECHTEAM_STRIPE_API_BASE: `http://${fake.options.host}:${fake.options.port}`,
  });
  const store = await freshStore();
  const clock = { at: new Date() };
  const deps = billingDeps(store, stripeClient(settings), settings, () => clock.at);
  await syncStripeCatalog(deps.stripe);
  const signer = new Stripe('sk_test_techteam');
  return {
    fake,
    store,
    deps,
    clock,
    sign(event) {
      const payload = JSON.stringify(event, null, 2);
      return {
        payload,
        signature: signer.webhooks.generateTestHeaderString({ payload, secret: TEST_WEBHOOK_SECRET }),
      };
    },
    close: () => fake.close(),
  };
}

let eventSeq = 0;

/** A Stripe event envelope around an object, as the webhook receives it. */
export function stripeEvent(type: string, object: object, created: number): object {
  return {
    id: `evt_test${String(++eventSeq).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created,
    livemode: false,
    pending_webhooks: 1,
    type,
    data: { object },
  };
}
