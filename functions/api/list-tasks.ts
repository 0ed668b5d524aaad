import { parseInput, TaskId } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Query = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(TaskId),
});

/** GET /v1/tasks?limit=&cursor= */
export const handler = apiHandler(async ({ tenant, query }) => {
  const { limit, cursor } = parseInput(Query, query, 'query');
  const page = await runtime().store.listTasks(tenant.tenantId, { limit, ...(cursor ? { cursor } : {}) });
  return { status: 200, body: { tasks: page.items, ...(page.next ? { next: page.next } : {}) } };
});
