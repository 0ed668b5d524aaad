import { checkEmployeeProfile } from '@techteam/shared/agents';
import { EmployeeProfileInput, parseInput } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import { AuditLog } from '@techteam/shared/store';
import { apiHandler } from '../http';
import { EmployeePath } from './schemas';

/** PUT /v1/employees/{id}: define (or override) one of the tenant's employees. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(EmployeePath, path, 'path');
  const input = parseInput(EmployeeProfileInput, body ?? {});
  const { directory, store } = runtime();
  checkEmployeeProfile(input, await directory.catalogFor(tenant.tenantId));
  const profile = await store.putEmployee(tenant.tenantId, { ...input, id });
  await new AuditLog(store.doc, store.tableName).record(tenant.tenantId, {
    actor: tenant.principal,
    action: 'employee_changed',
    target: id,
  });
  return { status: 200, body: { employee: profile } };
});
