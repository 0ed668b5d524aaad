import { type Tenant, usdAmount } from '../domain';
import { microUsdToUsd, usdToMicroUsd } from '../money';
import type { Store } from '../store';
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

type TenantDraft = Omit<Tenant, 'createdAt'> & { createdAt?: string };

/**
 * The tenant with a settings change applied: a field left out stays, a limit set to null is
 * cleared, USD become micro-USD. A tenant without an item yet (the local one, before identity
 * exists) starts from its defaults: plan `local` for the local tenant, `free` otherwise.
 */
export function withSettings(
  current: Tenant | undefined,
  tenantId: string,
  input: SettingsInput,
): TenantDraft {
  const next: TenantDraft = current
    ? { ...current }
    : { id: tenantId, name: tenantId, plan: tenantId === 'local' ? 'local' : 'free' };
  const limit = (
    field: 'monthlyBudgetMicroUsd' | 'approvalThresholdMicroUsd',
    value: number | null | undefined,
  ) => {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = usdToMicroUsd(value);
  };
  limit('monthlyBudgetMicroUsd', input.monthlyBudgetUsd);
  limit('approvalThresholdMicroUsd', input.approvalThresholdUsd);
  if (input.heliconeCache !== undefined) next.heliconeCache = input.heliconeCache;
  return next;
}

/**
 * Changes some of a tenant's settings and answers them as the API shows them. The gateway reads
 * a tenant's settings at most 30 s old, so a change reaches running tasks within that.
 */
export async function updateSettings(store: Store, tenantId: string, input: SettingsInput) {
  const next = withSettings(await store.getTenant(tenantId), tenantId, input);
  return settingsView(await store.putTenant(next));
}
