import { assertModelAllowed, tenantPlan } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { putTenantModel } from '@techteam/shared/gateway/catalog';
import { apiHandler } from '../http';

/**
 * PUT /v1/models/{id}: add a model to the tenant's catalog, or override a
 * shipped one (a private deployment, a negotiated rate: below the catalog's
 * price only with `negotiated.reference`). Audited; takes effect within 30
 * seconds on every host (the gateway caches a tenant's catalog that long).
 * A model of a tier the tenant's plan does not allow is refused (403).
 */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { store, directory } = deps();
  const plan = await tenantPlan(store, tenant.tenantId);
  const model = await putTenantModel(store, tenant.tenantId, path['id'] ?? '', body, {
    actor: tenant.principal,
    admit: (m) => assertModelAllowed(plan, m),
  });
  await directory.forgetTenantCatalog(tenant.tenantId);
  return { status: 200, body: { model } };
});
