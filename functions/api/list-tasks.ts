import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { apiHandler } from '../http';
import { ListTasksQuery } from './schemas';

/** GET /v1/tasks?limit=&cursor= */
export const handler = apiHandler(async ({ tenant, query }) => {
  const { limit, cursor } = parseInput(ListTasksQuery, query, 'query');
  const page = await deps().store.listTasks(tenant.tenantId, { limit, ...(cursor ? { cursor } : {}) });
  return { status: 200, body: { tasks: page.items, ...(page.next ? { next: page.next } : {}) } };
});
