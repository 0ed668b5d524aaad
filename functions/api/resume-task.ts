import { parseInput, TaskId } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import { resumeTask } from '@techteam/shared/workflow';
import { z } from 'zod';
import { apiHandler } from '../http';

const Path = z.object({ id: TaskId });

/** POST /v1/tasks/{id}/resume: rerun a failed task from its last completed step. */
export const handler = apiHandler(async ({ tenant, path }) => {
  const { id } = parseInput(Path, path, 'path');
  const task = await resumeTask(runtime(), tenant.tenantId, id);
  return { status: 202, body: { task } };
});
