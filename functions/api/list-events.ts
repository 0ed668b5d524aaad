import { parseInput, TaskId } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Path = z.object({ id: TaskId });
const Query = z.object({
  after: z.optional(z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an event id (a ULID)'))),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 100),
});

/** GET /v1/tasks/{id}/events?after=&limit= : the event log in order, after a cursor. */
export const handler = apiHandler(async ({ tenant, path, query }) => {
  const { id } = parseInput(Path, path, 'path');
  const { after, limit } = parseInput(Query, query, 'query');
  const { store } = runtime();
  await store.getTask(tenant.tenantId, id); // 404 for an unknown task, not an empty list
  const page = await store.listEvents(tenant.tenantId, id, { limit, ...(after ? { after } : {}) });
  return { status: 200, body: { events: page.items, ...(page.next ? { next: page.next } : {}) } };
});
