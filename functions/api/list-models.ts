import { modelsView } from '@techteam/shared/gateway/models-view';
import { teamRuntime } from '@techteam/shared/runtime/team';
import { apiHandler } from '../http';

/** GET /v1/models: the catalog as this tenant sees it, which providers are live, and why the others are not. */
export const handler = apiHandler(async ({ tenant }) => {
  const { gateway } = teamRuntime();
  const [setup, catalog] = await Promise.all([gateway.setup(), gateway.catalogFor(tenant.tenantId)]);
  return { status: 200, body: modelsView(catalog, setup.statuses, setup.demo) };
});
