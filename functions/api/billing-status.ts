import { billingStatus } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { billing } from '../billing/billing';
import { apiHandler } from '../http';

/** GET /v1/billing: the plan, its entitlements, the subscription; with billing off, why and which plan applies. */
export const handler = apiHandler(async ({ tenant }) => {
  const { settings } = await billing(deps().store);
  const status = await billingStatus(
    { store: deps().store, settings, now: () => new Date() },
    tenant.tenantId,
  );
  return { status: 200, body: { billing: status } };
});
