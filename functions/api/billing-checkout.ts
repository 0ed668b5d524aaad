import { createCheckout } from '@techteam/shared/billing';
import { parseInput } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import * as z from '@techteam/shared/zod';
import { billingOn } from '../billing/billing';
import { apiHandler } from '../http';

const CheckoutInput = z.strictObject({ plan: z.string() });

/** POST /v1/billing/checkout {plan}: a Stripe Checkout Session URL for a paid plan. */
export const handler = apiHandler(async ({ tenant, body }) => {
  const { plan } = parseInput(CheckoutInput, body ?? {});
  return { status: 200, body: await createCheckout(await billingOn(runtime().store), tenant.tenantId, plan) };
});
