import { deps } from '@techteam/shared/deps';
import { parseInput, TaskId } from '@techteam/shared/domain';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Path = z.object({ id: TaskId });

/** GET /v1/tasks/{id}: the task with its plan and step results. */
export const handler = apiHandler(async ({ tenant, path }) => {
  const { id } = parseInput(Path, path, 'path');
  const { store } = deps();
  const task = await store.getTask(tenant.tenantId, id);
  const [plan, steps] = await Promise.all([
    store.getPlan(tenant.tenantId, id),
    store.listStepResults(tenant.tenantId, id),
  ]);
  return { status: 200, body: { task, plan: plan ?? null, steps } };
});
