import { type Tenant, usdAmount } from '../domain';
import { microUsdToUsd, usdToMicroUsd } from '../money';
import { type Store, updateTenantSettings } from '../store';
import * as z from '../zod';

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
export type SettingsInput = z.infer<typeof SettingsInput>;

/**
 * The settings as the API shows them, in USD. `monthlyBudgetUsd` is the tenant's own cap;
 * `effectiveMonthlyBudgetUsd` what the gateway enforces (the lesser of that cap and, with billing
 * on, what the plan allows: shared/money/monthly-budget.ts).
 */
export function settingsView(tenant: Tenant | undefined) {
  const cap =
    tenant?.spendCapMicroUsd ??
    (tenant?.planAllowanceMicroUsd === undefined ? tenant?.monthlyBudgetMicroUsd : undefined);
  return {
    monthlyBudgetUsd: cap !== undefined ? microUsdToUsd(cap) : null,
    effectiveMonthlyBudgetUsd:
      tenant?.monthlyBudgetMicroUsd !== undefined ? microUsdToUsd(tenant.monthlyBudgetMicroUsd) : null,
    approvalThresholdUsd:
      tenant?.approvalThresholdMicroUsd !== undefined
        ? microUsdToUsd(tenant.approvalThresholdMicroUsd)
        : null,
    heliconeCache: tenant?.heliconeCache === true,
  };
}

/**
 * Changes some of a tenant's settings and answers them as the API shows them. Only the fields
 * named are written, so what billing wrote (the plan, its allowance) stays; the monthly budget is
 * derived again in the same write. The gateway reads a tenant's settings at most 30 s old, so a
 * change reaches running tasks within that.
 */
export async function updateSettings(store: Store, tenantId: string, input: SettingsInput) {
  const micro = (v: number | null | undefined) => (v === undefined || v === null ? v : usdToMicroUsd(v));
  const tenant = await updateTenantSettings(store, tenantId, {
    ...(input.monthlyBudgetUsd !== undefined ? { spendCapMicroUsd: micro(input.monthlyBudgetUsd) } : {}),
    ...(input.approvalThresholdUsd !== undefined
      ? { approvalThresholdMicroUsd: micro(input.approvalThresholdUsd) }
      : {}),
    ...(input.heliconeCache !== undefined ? { heliconeCache: input.heliconeCache } : {}),
  });
  return settingsView(tenant);
}
