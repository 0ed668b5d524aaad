import { checkTaskTeam, teamOf } from '@techteam/shared/agents';
import { deps } from '@techteam/shared/deps';
import { CreateTaskInput, parseInput } from '@techteam/shared/domain';
import { admitTask } from '@techteam/shared/identity';
import { submitTask } from '@techteam/shared/workflow/lifecycle';
import { apiHandler } from '../http';

/** POST /v1/tasks: 201 with the task; 429 naming `running_tasks` when the tenant runs its cap already. */
export const handler = apiHandler(async ({ tenant, body }) => {
  const input = parseInput(CreateTaskInput, body ?? {});
  const { store, directory, builtInEmployees } = deps();
  if (input.team) {
    const [roster, view] = await Promise.all([
      teamOf(store, tenant.tenantId, builtInEmployees),
      directory.view(tenant.tenantId),
    ]);
    checkTaskTeam(input.team, roster, view.models);
  }
  const admitted = await admitTask(store, tenant.tenantId);
  const task = await submitTask(deps(), tenant.tenantId, input, admitted);
  return { status: 201, body: { task } };
});
