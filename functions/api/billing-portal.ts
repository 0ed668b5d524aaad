import { createPortal } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { billingOn } from '../billing/billing';
import { apiHandler } from '../http';

/** POST /v1/billing/portal: a Stripe Customer Portal URL (change plan, payment method, cancel). */
export const handler = apiHandler(async ({ tenant }) => ({
  status: 200,
  body: await createPortal(await billingOn(deps().store), tenant.tenantId),
}));
