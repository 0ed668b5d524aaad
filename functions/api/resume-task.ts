import { parseInput, TaskId, TaskNote, usdAmount } from '@techteam/shared/domain';
import { admitTask } from '@techteam/shared/identity';
import { usdToMicroUsd } from '@techteam/shared/money';
import { runtime } from '@techteam/shared/runtime';
import { resumeTask } from '@techteam/shared/workflow/task-lifecycle';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Path = z.object({ id: TaskId });
const Body = z.strictObject({
  /** Raise the task's budget first: the way on after a task failed with BudgetExceeded. */
  budgetUsd: z.optional(usdAmount(10_000)),
  /** A person's guidance to the team, shown to every employee from now on (at most 4000 characters). */
  note: z.optional(TaskNote),
});

/** POST /v1/tasks/{id}/resume: rerun a failed task from its last completed step, optionally with a larger budget and a note to the team. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(Path, path, 'path');
  const { budgetUsd, note } = parseInput(Body, body ?? {});
  // A resumed task runs again, so it counts against the plan's running-task cap like a new one.
  await admitTask(runtime().store, tenant.tenantId);
  const task = await resumeTask(runtime(), tenant.tenantId, id, {
    ...(note !== undefined ? { note } : {}),
    ...(budgetUsd !== undefined ? { budgetMicroUsd: usdToMicroUsd(budgetUsd) } : {}),
  });
  return { status: 202, body: { task } };
});
