import { deps } from '@techteam/shared/deps';
import { settingsView } from '@techteam/shared/settings';
import { apiHandler } from '../http';

/** GET /v1/settings: the tenant's spend cap, approval threshold and Helicone cache opt-in. */
export const handler = apiHandler(async ({ tenant }) => ({
  status: 200,
  body: { settings: settingsView(await deps().store.getTenant(tenant.tenantId)) },
}));
