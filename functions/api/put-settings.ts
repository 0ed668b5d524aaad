import { parseInput } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import { SettingsInput, updateSettings } from '@techteam/shared/settings';
import { apiHandler } from '../http';

/** PUT /v1/settings: change some of them (shared/settings says what a change does). */
export const handler = apiHandler(async ({ tenant, body }) => {
  const input = parseInput(SettingsInput, body ?? {});
  return { status: 200, body: { settings: await updateSettings(runtime().store, tenant.tenantId, input) } };
});
