import { createPortal } from '@techteam/shared/billing';
import { runtime } from '@techteam/shared/runtime';
import { billingOn } from '../billing/billing';
import { apiHandler } from '../http';

/** POST /v1/billing/portal: a Stripe Customer Portal URL (change plan, payment method, cancel). */
export const handler = apiHandler(async ({ tenant }) => ({
  status: 200,
  body: await createPortal(await billingOn(runtime().store), tenant.tenantId),
}));
