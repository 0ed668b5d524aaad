import { checkEmployeeProfile } from '@techteam/shared/agents';
import { assertModelsAllowed, tenantPlan } from '@techteam/shared/billing';
import { deps } from '@techteam/shared/deps';
import { EmployeeProfileInput, parseInput } from '@techteam/shared/domain';
import { AuditLog } from '@techteam/shared/store';
import { apiHandler } from '../http';
import { EmployeePath } from './schemas';

/** PUT /v1/employees/{id}: define (or override) one of the tenant's employees. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(EmployeePath, path, 'path');
  const input = parseInput(EmployeeProfileInput, body ?? {});
  const { directory, store } = deps();
  const catalog = await directory.catalogFor(tenant.tenantId);
  checkEmployeeProfile(input, catalog);
  // Refused now, with the plan named, rather than skipped by the router mid-task.
  assertModelsAllowed(
    await tenantPlan(store, tenant.tenantId),
    input.allowedModels.map((m) => catalog.get(m)),
  );
  const profile = await store.putEmployee(tenant.tenantId, { ...input, id });
  await new AuditLog(store.doc, store.tableName).record(tenant.tenantId, {
    actor: tenant.principal,
    action: 'employee_changed',
    target: id,
  });
  return { status: 200, body: { employee: profile } };
});
