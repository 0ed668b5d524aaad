import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { apiHandler } from '../http';
import { ListEventsQuery, TaskPath } from './schemas';

/**
 * GET /v1/tasks/{id}/events?after=&limit=&deltas=true&deltasAfter= : the event log in order,
 * after a cursor; with deltas=true also the streamed text (transient, about an hour) after its
 * own cursor, `deltaCursor`, which the client passes back as `deltasAfter`.
 */
export const handler = apiHandler(async ({ tenant, path, query }) => {
  const { id } = parseInput(TaskPath, path, 'path');
  const { after, limit, deltas, deltasAfter } = parseInput(ListEventsQuery, query, 'query');
  const { store } = deps();
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
