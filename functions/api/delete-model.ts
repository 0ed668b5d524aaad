import { deps } from '@techteam/shared/deps';
import { deleteTenantModel } from '@techteam/shared/gateway/catalog';
import { apiHandler } from '../http';

/**
 * DELETE /v1/models/{id}: remove the tenant's own model or price override (a
 * shipped model's catalog entry applies again); 404 when the tenant has none.
 * Audited; takes effect within 30 seconds on every host.
 */
export const handler = apiHandler(async ({ tenant, path }) => {
  const { store, directory } = deps();
  const id = path['id'] ?? '';
  await deleteTenantModel(store, tenant.tenantId, id, { actor: tenant.principal });
  await directory.forgetTenantCatalog(tenant.tenantId);
  return { status: 200, body: { deleted: id } };
});
