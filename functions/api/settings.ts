/** The tenant settings the API reads and writes (shared by get-settings.ts and put-settings.ts). */
import type { Tenant } from '@techteam/shared/domain';
import { z } from 'zod';

const usd = z.number().positive('must be more than 0').max(1_000_000, 'must be at most 1000000');

/** The body of `PUT /v1/settings`: each field optional; null clears a limit. */
export const SettingsInput = z
  .object({
    /** The tenant's spend cap per calendar month (UTC) across all tasks, in USD. */
    monthlyBudgetUsd: usd.nullable().optional(),
    /** Plans estimated above this wait for approval, in USD. */
    approvalThresholdUsd: usd.nullable().optional(),
    /** Identical model calls may be answered from Helicone's cache (when Helicone is configured). */
    heliconeCache: z.boolean().optional(),
  })
  .strict();

/** The settings as the API shows them, in USD. */
export function settingsView(tenant: Tenant | undefined) {
  return {
    monthlyBudgetUsd:
      tenant?.monthlyBudgetMicroUsd !== undefined ? tenant.monthlyBudgetMicroUsd / 1_000_000 : null,
    approvalThresholdUsd:
      tenant?.approvalThresholdMicroUsd !== undefined ? tenant.approvalThresholdMicroUsd / 1_000_000 : null,
    heliconeCache: tenant?.heliconeCache === true,
  };
}
