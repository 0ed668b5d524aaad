import { parseInput, type Tenant } from '@techteam/shared/domain';
import { numberToMicroUsd } from '@techteam/shared/gateway/cost';
import { runtime } from '@techteam/shared/runtime';
import { AuditLog } from '@techteam/shared/store';
import { apiHandler } from '../http';
import { SettingsInput, settingsView } from './settings';

/**
 * PUT /v1/settings: change some of them. The gateway reads a tenant's
 * settings at most 30 s old, so a change reaches running tasks within that.
 */
export const handler = apiHandler(async ({ tenant, body }) => {
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
    else if (value !== undefined) next[field] = numberToMicroUsd(value);
  };
  limit('monthlyBudgetMicroUsd', input.monthlyBudgetUsd);
  limit('approvalThresholdMicroUsd', input.approvalThresholdUsd);
  if (input.heliconeCache !== undefined) next.heliconeCache = input.heliconeCache;
  const saved = await store.putTenant(next);
  await new AuditLog(store.doc, store.tableName).record(tenant.tenantId, {
    actor: tenant.principal,
    action: 'settings_changed',
    target: 'settings',
    details: { changed: Object.keys(input) },
  });
  return { status: 200, body: { settings: settingsView(saved) } };
});
