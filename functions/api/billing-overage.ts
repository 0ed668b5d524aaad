import { setOverageCap } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { usdToMicroUsd } from '@techteam/shared/money';
import { billingOn } from '../billing/billing';
import { apiHandler } from '../http';
import { OverageBody } from './schemas';

/** PUT /v1/billing/overage {overageCapUsd}: the monthly budget becomes the plan's credit plus this. */
export const handler = apiHandler(async ({ tenant, body }) => {
  const { overageCapUsd } = parseInput(OverageBody, body ?? {});
  const status = await setOverageCap(
    await billingOn(deps().store),
    tenant.tenantId,
    usdToMicroUsd(overageCapUsd),
  );
  return { status: 200, body: { billing: status } };
});
