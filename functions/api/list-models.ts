import { deps } from '@techteam/shared/deps';
import { apiHandler } from '../http';

/** GET /v1/models: the catalog as this tenant sees it, which providers are live, and why the others are not. */
export const handler = apiHandler(async ({ tenant }) => ({
  status: 200,
  body: await deps().directory.view(tenant.tenantId),
}));
