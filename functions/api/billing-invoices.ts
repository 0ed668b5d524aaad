import { billingInvoices } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { billingOn } from '../billing/billing';
import { apiHandler } from '../http';

/** GET /v1/billing/invoices: the tenant's invoices from Stripe, newest first. */
export const handler = apiHandler(async ({ tenant }) => ({
  status: 200,
  body: { invoices: await billingInvoices(await billingOn(deps().store), tenant.tenantId) },
}));
