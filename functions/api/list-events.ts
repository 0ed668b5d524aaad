import { parseInput, TaskId } from '@techteam/shared/domain';
import { runtime } from '@techteam/shared/runtime';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Ulid = z
  .string()
  .check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id from an earlier answer (a ULID)'));
const Path = z.object({ id: TaskId });
const Query = z.object({
  after: z.optional(Ulid),
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 100),
  deltas: z._default(z.enum(['true', 'false']), 'false'),
  deltasAfter: z.optional(Ulid),
});

/**
 * GET /v1/tasks/{id}/events?after=&limit=&deltas=true&deltasAfter= : the event log in order,
 * after a cursor; with deltas=true also the streamed text (transient, about an hour) after its
 * own cursor, `deltaCursor`, which the client passes back as `deltasAfter`.
 */
export const handler = apiHandler(async ({ tenant, path, query }) => {
  const { id } = parseInput(Path, path, 'path');
  const { after, limit, deltas, deltasAfter } = parseInput(Query, query, 'query');
  const { store } = runtime();
  await store.getTask(tenant.tenantId, id); // 404 for an unknown task, not an empty list
  const [page, streamed] = await Promise.all([
    store.listEvents(tenant.tenantId, id, { limit, ...(after ? { after } : {}) }),
    deltas === 'true'
      ? store.listDeltas(tenant.tenantId, id, { ...(deltasAfter ? { after: deltasAfter } : {}) })
      : undefined,
  ]);
  const deltaCursor = streamed ? (streamed.next ?? streamed.items.at(-1)?.id ?? deltasAfter) : undefined;
  return {
    status: 200,
    body: {
      events: page.items,
      ...(page.next ? { next: page.next } : {}),
      ...(streamed ? { deltas: streamed.items } : {}),
      ...(deltaCursor ? { deltaCursor } : {}),
    },
  };
});
