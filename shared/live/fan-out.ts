import type { Task } from '../domain';
import type { Store } from '../store';
import type { LiveSubscription, LiveSubscriptions } from '../store/live-subscriptions';
import { type LiveChange, liveChangeOf, type StreamRecord } from '../store/stream-records';
import type { LiveConnections } from './connections';
import type { ServerMessage } from './protocol';

export interface FanOutDeps {
  store: Store;
  subscriptions: LiveSubscriptions;
  connections: LiveConnections;
}

const BACKLOG_PAGE = 500;

/**
 * Sends the table's writes to the connections subscribed to them. Records are taken in stream
 * order, one at a time (the stream keeps a task's partition in order, and the event source
 * mapping runs one batch per shard at a time): so a subscription's backlog is sent before any
 * later event of its task, and each later event once, after the backlog's last.
 */
export async function fanOut(records: readonly StreamRecord[], deps: FanOutDeps): Promise<void> {
  for (const record of records) {
    const change = liveChangeOf(record);
    if (change) await deliver(change, deps);
  }
}

async function deliver(change: LiveChange, deps: FanOutDeps): Promise<void> {
  switch (change.kind) {
    case 'eventKey': {
      const event = await deps.subscriptions.readEvent(change.tenantId, change.taskId, change.eventId);
      if (event) await deliver({ kind: 'event', event }, deps);
      return;
    }
    case 'event': {
      const { event } = change;
      const subs = await deps.subscriptions.subscribersOf(event.tenantId, {
        topic: 'task',
        taskId: event.taskId,
      });
      const live = subs.filter((s) => s.ready && (!s.cursor || s.cursor < event.id));
      await postAll(live, { type: 'event', taskId: event.taskId, event }, deps);
      if (event.type === 'status_changed') await sendTask(event.tenantId, event.taskId, deps);
      return;
    }
    case 'taskCreated':
      return sendTask(change.tenantId, change.taskId, deps, change.task);
    case 'delta': {
      const { tenantId, taskId, kind: _k, ...delta } = change;
      const subs = await deps.subscriptions.subscribersOf(tenantId, { topic: 'task', taskId });
      await postAll(
        subs.filter((s) => s.ready),
        { type: 'delta', taskId, ...delta },
        deps,
      );
      return;
    }
    case 'subscribed':
      return sendBacklog(change.subscription, deps);
  }
}

/**
 * The task's list item, as GET /v1/tasks shows it, to the tenant's task-list subscribers: as
 * the record had it when there is one (so a list sees `queued` even when planning began before
 * the fan-out ran), else as the table has it now.
 */
async function sendTask(tenantId: string, taskId: string, deps: FanOutDeps, asWritten?: Task): Promise<void> {
  const subs = await deps.subscriptions.subscribersOf(tenantId, { topic: 'tasks' });
  if (!subs.length) return;
  const task = asWritten ?? (await deps.store.findTask(tenantId, taskId));
  if (task) await postAll(subs, { type: 'task', task }, deps);
}

/** Every event after the client's cursor, in order, then `subscribed`; live events follow from there. */
async function sendBacklog(sub: LiveSubscription, deps: FanOutDeps): Promise<void> {
  const { connectionId } = sub;
  let cursor = sub.after;
  if (sub.topic === 'task' && sub.taskId) {
    const taskId = sub.taskId;
    for (;;) {
      const page = await deps.store.listEvents(sub.tenantId, taskId, {
        limit: BACKLOG_PAGE,
        ...(cursor ? { after: cursor } : {}),
      });
      for (const event of page.items) {
        if (!(await deps.connections.post(connectionId, { type: 'event', taskId, event })))
          return deps.subscriptions.dropConnection(sub.tenantId, connectionId);
        cursor = event.id;
      }
      if (!page.next) break;
    }
  }
  // Marked before `subscribed` is posted, so the client is never told of a subscription the
  // fan-out does not yet send to.
  if (!(await deps.subscriptions.markReady(sub, cursor))) return; // a newer subscribe replaced it
  const subscribed: ServerMessage =
    sub.topic === 'task' && sub.taskId
      ? { type: 'subscribed', topic: 'task', taskId: sub.taskId }
      : { type: 'subscribed', topic: 'tasks' };
  if (!(await deps.connections.post(connectionId, subscribed)))
    await deps.subscriptions.dropConnection(sub.tenantId, connectionId);
}

/** Posts to every subscriber at once; the gone ones (410) are dropped from the table. */
async function postAll(subs: readonly LiveSubscription[], message: ServerMessage, deps: FanOutDeps) {
  await Promise.all(
    subs.map(async (s) => {
      if (!(await deps.connections.post(s.connectionId, message)))
        await deps.subscriptions.dropConnection(s.tenantId, s.connectionId);
    }),
  );
}
