import { checkEmployeeProfile } from '@techteam/shared/agents';
import { EmployeeId, EmployeeProfileInput, parseInput } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Path = z.object({ id: EmployeeId });

/** PUT /v1/employees/{id}: define (or override) one of the tenant's employees. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(Path, path, 'path');
  const input = parseInput(EmployeeProfileInput, body ?? {});
  const { directory, store } = runtime();
  checkEmployeeProfile(input, await directory.catalogFor(tenant.tenantId));
  const profile = await store.putEmployee(tenant.tenantId, { ...input, id });
  return { status: 200, body: { employee: profile } };
});
