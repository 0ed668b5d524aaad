import { setOverageCap } from '@techteam/shared/billing';
import { parseInput } from '@techteam/shared/domain';
import { usdToMicroUsd } from '@techteam/shared/money';
import { runtime } from '@techteam/shared/runtime';
import * as z from '@techteam/shared/zod';
import { billingOn } from '../billing/billing';
import { apiHandler } from '../http';

const OverageInput = z.strictObject({
  /** USD the tenant allows beyond the plan's monthly credit (0: none). */
  overageCapUsd: z
    .number()
    .check(z.nonnegative('must be 0 or more'), z.maximum(1_000_000, 'must be at most 1000000')),
});

/** PUT /v1/billing/overage {overageCapUsd}: the monthly budget becomes the plan's credit plus this. */
export const handler = apiHandler(async ({ tenant, body }) => {
  const { overageCapUsd } = parseInput(OverageInput, body ?? {});
  const status = await setOverageCap(
    await billingOn(runtime().store),
    tenant.tenantId,
    usdToMicroUsd(overageCapUsd),
  );
  return { status: 200, body: { billing: status } };
});
