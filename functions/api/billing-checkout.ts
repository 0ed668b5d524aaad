import { createCheckout } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { billingOn } from '../billing/billing';
import { apiHandler } from '../http';
import { CheckoutBody } from './schemas';

/** POST /v1/billing/checkout {plan}: a Stripe Checkout Session URL for a paid plan. */
export const handler = apiHandler(async ({ tenant, body }) => {
  const { plan } = parseInput(CheckoutBody, body ?? {});
  return { status: 200, body: await createCheckout(await billingOn(deps().store), tenant.tenantId, plan) };
});
