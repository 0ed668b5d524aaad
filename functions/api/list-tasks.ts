import { parseInput, TaskId } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import { z } from 'zod';
import { apiHandler } from '../http';

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: TaskId.optional(),
});

/** GET /v1/tasks?limit=&cursor= */
export const handler = apiHandler(async ({ tenant, query }) => {
  const { limit, cursor } = parseInput(Query, query, 'query');
  const page = await runtime().store.listTasks(tenant.tenantId, { limit, ...(cursor ? { cursor } : {}) });
  return { status: 200, body: { tasks: page.items, ...(page.next ? { next: page.next } : {}) } };
});
