/** The tenant settings the API reads and writes (shared by get-settings.ts and put-settings.ts). */
import { type Tenant, usdAmount } from '@techteam/shared/domain';
import { microUsdToUsd } from '@techteam/shared/money';
import * as z from '@techteam/shared/zod';

const usd = usdAmount(1_000_000);

/** The body of `PUT /v1/settings`: each field optional; null clears a limit. */
export const SettingsInput = z.strictObject({
  /** The tenant's spend cap per calendar month (UTC) across all tasks, in USD. */
  monthlyBudgetUsd: z.optional(z.nullable(usd)),
  /** Plans estimated above this wait for approval, in USD. */
  approvalThresholdUsd: z.optional(z.nullable(usd)),
  /** Identical model calls may be answered from Helicone's cache (when Helicone is configured). */
  heliconeCache: z.optional(z.boolean()),
});

/** The settings as the API shows them, in USD. */
export function settingsView(tenant: Tenant | undefined) {
  return {
    monthlyBudgetUsd:
      tenant?.monthlyBudgetMicroUsd !== undefined ? microUsdToUsd(tenant.monthlyBudgetMicroUsd) : null,
    approvalThresholdUsd:
      tenant?.approvalThresholdMicroUsd !== undefined
        ? microUsdToUsd(tenant.approvalThresholdMicroUsd)
        : null,
    heliconeCache: tenant?.heliconeCache === true,
  };
}
