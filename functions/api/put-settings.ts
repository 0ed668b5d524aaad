import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { SettingsInput, updateSettings } from '@techteam/shared/settings';
import { AuditLog } from '@techteam/shared/store';
import { apiHandler } from '../http';

/** PUT /v1/settings: change some of them (shared/settings says what a change does). */
export const handler = apiHandler(async ({ tenant, body }) => {
  const input = parseInput(SettingsInput, body ?? {});
  const { store } = deps();
  const settings = await updateSettings(store, tenant.tenantId, input);
  await new AuditLog(store.doc, store.tableName).record(tenant.tenantId, {
    actor: tenant.principal,
    action: 'settings_changed',
    target: 'settings',
    details: { changed: Object.keys(input) },
  });
  return { status: 200, body: { settings } };
});
