import { type Deps, useDeps } from '@techteam/shared/deps';
import type { Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import { stripeEvent, TEST_WEBHOOK_SECRET } from '@techteam/shared/testing/fake-stripe';
import { type FakeStripe, startFakeStripe } from '@techteam/shared/testing/fake-stripe-server';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler as checkout } from '../api/billing-checkout';
import { handler as status } from '../api/billing-status';
import { callDoor, doorEvent } from '../testing/door-event';
import { resetBilling } from './billing';
import { handler as webhook } from './webhook';

const call = callDoor;
/** As API Gateway delivers Stripe's request: no authorizer, the body base64-encoded, the signature header. */
const fromStripe = (payload: string, signature?: string) =>
  ({
    version: '2.0',
    headers: signature ? { 'Stripe-Signature': signature } : {},
    body: Buffer.from(payload).toString('base64'),
    isBase64Encoded: true,
    requestContext: {},
  }) as unknown as APIGatewayProxyEventV2;

let store: Store;
let fake: FakeStripe;
beforeAll(async () => {
  store = await freshStore();
  fake = await startFakeStripe();
  useDeps({ store } as unknown as Deps);
});
afterAll(async () => {
  useDeps(undefined);
  await fake.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetBilling();
});

describe('billing off', () => {
  it('says so, and which plan the tenant has, when there is no Stripe key', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', '');
    vi.stubEnv('TECHTEAM_PLAN_WHEN_BILLING_OFF', 'team');
    const shown = JSON.parse((await call(status, doorEvent('GetBilling'))).body!);
    expect(shown.billing).toMatchObject({
      enabled: false,
      offReason: 'STRIPE_SECRET_KEY is not set',
      plan: { id: 'team' },
      entitlements: { maxRunningTasks: 5 },
    });
    const refused = await call(checkout, doorEvent('CreateCheckout', { body: { plan: 'team' } }));
    expect(refused.statusCode).toBe(409);
    expect(JSON.parse(refused.body!).error).toMatchObject({ code: 'BillingOff', details: { plan: 'team' } });
  });

  it('is off in deploy-your-own mode even with a key', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_x');
    vi.stubEnv('TECHTEAM_MODE', 'byo');
    const shown = JSON.parse((await call(status, doorEvent('GetBilling'))).body!);
    expect(shown.billing).toMatchObject({
      enabled: false,
      offReason: 'deploy-your-own mode has no Stripe billing',
    });
  });
});

describe('the webhook door', () => {
  it('verifies the raw body: 400 for a bad or missing signature, 200 once applied, then duplicate', async () => {
    vi.stubEnv('STRIPE_SECRET_KEY', 'sk_test_x');
    vi.stubEnv('STRIPE_WEBHOOK_SECRET', TEST_WEBHOOK_SECRET);
    vi.stubEnv('TECHTEAM_STRIPE_API_BASE', `http://127.0.0.1:${fake.options.port}`);
    const customer = (
      await new Stripe('sk_test_x', { ...fake.options }).customers.create({ metadata: { tenantId: 'acme' } })
    ).id;
    const sub = fake.createSubscription({
      customer,
      prices: [],
      metadata: { tenantId: 'acme', plan: 'team' },
    });
    const payload = JSON.stringify(
      stripeEvent('customer.subscription.created', sub, Math.floor(Date.now() / 1000)),
    );
    const signature = new Stripe('sk_test_x').webhooks.generateTestHeaderString({
      payload,
      secret: TEST_WEBHOOK_SECRET,
    });

    for (const bad of [undefined, signature.replace(/v1=./, 'v1=0')]) {
      const refused = await call(webhook, fromStripe(payload, bad));
      expect(refused.statusCode).toBe(400);
      expect(JSON.parse(refused.body!).error.code).toBe('WebhookSignatureInvalid');
    }
    // Re-serialised JSON is not the signed body: only the bytes as sent verify.
    const reformatted = await call(
      webhook,
      fromStripe(JSON.stringify(JSON.parse(payload), null, 1), signature),
    );
    expect(reformatted.statusCode).toBe(400);

    const first = await call(webhook, fromStripe(payload, signature));
    expect(first.statusCode).toBe(200);
    expect(JSON.parse(first.body!)).toMatchObject({ received: true, outcome: 'applied', tenantId: 'acme' });
    const again = await call(webhook, fromStripe(payload, signature));
    expect(JSON.parse(again.body!)).toMatchObject({ outcome: 'duplicate' });
    const shown = JSON.parse((await call(status, doorEvent('GetBilling'))).body!);
    expect(shown.billing).toMatchObject({
      enabled: true,
      plan: { id: 'team' },
      subscription: { status: 'active' },
    });
  });
});
