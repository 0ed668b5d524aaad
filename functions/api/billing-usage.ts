import { billingUsage } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { InvalidInput } from '@techteam/shared/errors';
import { billingOn } from '../billing/billing';
import { apiHandler } from '../http';

/** GET /v1/billing/usage?month=yyyy-mm: the month's spend as recorded, reported to Stripe and acknowledged. */
export const handler = apiHandler(async ({ tenant, query }) => {
  const month = query['month'];
  if (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
    throw new InvalidInput('month must be yyyy-mm', [
      { path: 'month', message: 'must be yyyy-mm, e.g. 2026-11' },
    ]);
  return {
    status: 200,
    body: { usage: await billingUsage(await billingOn(deps().store), tenant.tenantId, month) },
  };
});
