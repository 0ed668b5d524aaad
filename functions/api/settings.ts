import { parseInput, type Tenant } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import { z } from 'zod';
import { apiHandler } from '../http';

const usd = z.number().positive('must be more than 0').max(1_000_000, 'must be at most 1000000');

/** The body of `PUT /v1/settings`: each field optional; null clears a limit. */
const SettingsInput = z
  .object({
    /** The tenant's spend cap per calendar month (UTC) across all tasks, in USD. */
    monthlyBudgetUsd: usd.nullable().optional(),
    /** Plans estimated above this wait for approval, in USD. */
    approvalThresholdUsd: usd.nullable().optional(),
    /** Identical model calls may be answered from Helicone's cache (when Helicone is configured). */
    heliconeCache: z.boolean().optional(),
  })
  .strict();

const toMicro = (usd: number) => Math.round(usd * 1_000_000);

function view(tenant: Tenant | undefined) {
  return {
    monthlyBudgetUsd:
      tenant?.monthlyBudgetMicroUsd !== undefined ? tenant.monthlyBudgetMicroUsd / 1_000_000 : null,
    approvalThresholdUsd:
      tenant?.approvalThresholdMicroUsd !== undefined ? tenant.approvalThresholdMicroUsd / 1_000_000 : null,
    heliconeCache: tenant?.heliconeCache === true,
  };
}

/** GET /v1/settings: the tenant's spend cap, approval threshold and Helicone cache opt-in. */
export const getSettings = apiHandler(async ({ tenant }) => ({
  status: 200,
  body: { settings: view(await runtime().store.getTenant(tenant.tenantId)) },
}));

/**
 * PUT /v1/settings: change some of them. The gateway reads a tenant's
 * settings at most 30 s old, so a change reaches running tasks within that.
 */
export const putSettings = apiHandler(async ({ tenant, body }) => {
  const input = parseInput(SettingsInput, body ?? {});
  const { store } = runtime();
  // A tenant without an item yet (the local one, before identity exists) gets one on first change.
  const current: Omit<Tenant, 'createdAt'> & { createdAt?: string } = (await store.getTenant(
    tenant.tenantId,
  )) ?? {
    id: tenant.tenantId,
    name: tenant.tenantId,
    plan: tenant.tenantId === 'local' ? 'local' : 'free',
  };
  const next = { ...current };
  const limit = (
    field: 'monthlyBudgetMicroUsd' | 'approvalThresholdMicroUsd',
    value: number | null | undefined,
  ) => {
    if (value === null) delete next[field];
    else if (value !== undefined) next[field] = toMicro(value);
  };
  limit('monthlyBudgetMicroUsd', input.monthlyBudgetUsd);
  limit('approvalThresholdMicroUsd', input.approvalThresholdUsd);
  if (input.heliconeCache !== undefined) next.heliconeCache = input.heliconeCache;
  return { status: 200, body: { settings: view(await store.putTenant(next)) } };
});
