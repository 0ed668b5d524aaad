import { receiveStripeWebhook } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { unauthenticatedHandler } from '../http';
import { billingOn } from './billing';

/**
 * POST /v1/billing/webhook: Stripe's events. No authorizer stands in front of it;
 * the Stripe-Signature over the raw body is the proof (a bad or missing one is a 400
 * and nothing is applied), and each event is applied once.
 */
export const handler = unauthenticatedHandler(async ({ rawBody, headers }) => {
  const result = await receiveStripeWebhook(
    await billingOn(deps().store),
    rawBody,
    headers['stripe-signature'],
  );
  return { status: 200, body: { received: true, ...result } };
});
