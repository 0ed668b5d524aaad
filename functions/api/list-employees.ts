import { BUILT_IN_EMPLOYEES, teamOf } from '@techteam/shared/agents';
import { deps } from '@techteam/shared/deps';
import { apiHandler } from '../http';

/** GET /v1/employees: the tenant's team, built-in employees and its own. */
export const handler = apiHandler(async ({ tenant }) => {
  const { store, builtInEmployees } = deps();
  const own = new Set((await store.listEmployees(tenant.tenantId)).map((p) => p.id));
  const team = await teamOf(store, tenant.tenantId, builtInEmployees);
  return {
    status: 200,
    body: {
      employees: team.map((p) => ({
        ...p,
        source: own.has(p.id)
          ? BUILT_IN_EMPLOYEES.includes(p.id)
            ? 'tenant-override'
            : 'tenant'
          : 'built-in',
      })),
    },
  };
});
