import type { Task } from '../domain';
import type { Store } from '../store';
import type { LiveSubscription, LiveSubscriptions, LiveTopic } from '../store/live-subscriptions';
import { type LiveChange, liveChangeOf, type StreamRecord } from '../store/stream-records';
import type { LiveConnections } from './connections';
import type { ServerMessage } from './protocol';

export interface FanOutDeps {
  store: Store;
  subscriptions: LiveSubscriptions;
  connections: LiveConnections;
  /** How many connections are posted to at once (default POST_CONCURRENCY). */
  postConcurrency?: number;
}

/**
 * Posts in flight at once: the SDK's default pool of 50 keep-alive sockets per host, so on AWS
 * no post waits for a socket (a batch of 10 events to 500 subscribers is 100 rounds, seconds
 * within the fan-out's timeout: infra/aws/constructs/live-api.ts). Locally, where posting is
 * CPU-bound, more in flight cost less per post than fewer (measured at 8, 32, 50, 128, 500).
 */
export const POST_CONCURRENCY = 50;

const BACKLOG_PAGE = 500;

/**
 * Sends the table's writes to the connections subscribed to them. Records are taken in stream
 * order, one at a time (the stream keeps a task's partition in order, and the event source
 * mapping runs one batch per shard at a time): so a subscription's backlog is sent before any
 * later event of its task, and each later event once, after the backlog's last.
 *
 * A batch reads each topic's subscribers once, queues each connection's messages in record
 * order, and posts them when the batch is read: each connection's in order, up to
 * `postConcurrency` connections at once. A subscribe record is a barrier: what is queued before
 * it is posted first, and the subscribers are read again after it (it changes them).
 */
export async function fanOut(records: readonly StreamRecord[], deps: FanOutDeps): Promise<void> {
  const batch = new FanOutBatch(deps);
  for (const record of records) {
    const change = liveChangeOf(record);
    if (change) await batch.take(change);
  }
  await batch.flush();
}

interface Outbox {
  tenantId: string;
  messages: ServerMessage[];
}

class FanOutBatch {
  /** Subscribers per topic, read once for the batch (until a subscribe record changes them). */
  private readonly subscribers = new Map<string, Promise<LiveSubscription[]>>();
  /** Each connection's messages in record order; a Map keeps connections in first-queued order. */
  private outboxes = new Map<string, Outbox>();
  /** Connections found gone (410) in this batch: dropped once, sent nothing more. */
  private readonly gone = new Set<string>();

  constructor(private readonly deps: FanOutDeps) {}

  async take(change: LiveChange): Promise<void> {
    const { deps } = this;
    switch (change.kind) {
      case 'eventKey': {
        const event = await deps.subscriptions.readEvent(change.tenantId, change.taskId, change.eventId);
        if (event) await this.take({ kind: 'event', event });
        return;
      }
      case 'event': {
        const { event } = change;
        const subs = await this.subscribersOf(event.tenantId, { topic: 'task', taskId: event.taskId });
        const message: ServerMessage = { type: 'event', taskId: event.taskId, event };
        for (const s of subs) if (s.ready && (!s.cursor || s.cursor < event.id)) this.queue(s, message);
        if (event.type === 'status_changed') await this.queueTask(event.tenantId, event.taskId);
        return;
      }
      case 'taskCreated':
        return this.queueTask(change.tenantId, change.taskId, change.task);
      case 'delta': {
        const { tenantId, taskId, kind: _k, ...delta } = change;
        const subs = await this.subscribersOf(tenantId, { topic: 'task', taskId });
        const message: ServerMessage = { type: 'delta', taskId, ...delta };
        for (const s of subs) if (s.ready) this.queue(s, message);
        return;
      }
      case 'subscribed': {
        const { subscription: sub } = change;
        await this.flush();
        await sendBacklog(sub, deps);
        this.subscribers.delete(topicKeyOf(sub.tenantId, topicOf(sub)));
        return;
      }
    }
  }

  /** Posts everything queued, each connection's messages in order; the gone ones are dropped. */
  async flush(): Promise<void> {
    const outboxes = [...this.outboxes];
    this.outboxes = new Map();
    let failure: { error: unknown } | undefined;
    let next = 0;
    const worker = async () => {
      while (!failure && next < outboxes.length) {
        const [connectionId, outbox] = outboxes[next++]!;
        try {
          await this.post(connectionId, outbox);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    const width = Math.min(this.deps.postConcurrency ?? POST_CONCURRENCY, outboxes.length);
    // Every post started is awaited before a failure is thrown: the batch is retried whole.
    await Promise.all(Array.from({ length: width }, worker));
    if (failure) throw failure.error;
  }

  private async post(connectionId: string, outbox: Outbox): Promise<void> {
    for (const message of outbox.messages) {
      if (await this.deps.connections.post(connectionId, message)) continue;
      this.gone.add(connectionId);
      await this.deps.subscriptions.dropConnection(outbox.tenantId, connectionId);
      return;
    }
  }

  private queue(sub: LiveSubscription, message: ServerMessage): void {
    if (this.gone.has(sub.connectionId)) return;
    const outbox = this.outboxes.get(sub.connectionId);
    if (outbox) outbox.messages.push(message);
    else this.outboxes.set(sub.connectionId, { tenantId: sub.tenantId, messages: [message] });
  }

  private subscribersOf(tenantId: string, topic: LiveTopic): Promise<LiveSubscription[]> {
    const key = topicKeyOf(tenantId, topic);
    let subs = this.subscribers.get(key);
    if (!subs) {
      subs = this.deps.subscriptions.subscribersOf(tenantId, topic);
      this.subscribers.set(key, subs);
    }
    return subs;
  }

  /**
   * The task's list item, as GET /v1/tasks shows it, to the tenant's task-list subscribers: as
   * the record had it when there is one (so a list sees `queued` even when planning began before
   * the fan-out ran), else as the table has it now.
   */
  private async queueTask(tenantId: string, taskId: string, asWritten?: Task): Promise<void> {
    const subs = await this.subscribersOf(tenantId, { topic: 'tasks' });
    if (!subs.length) return;
    const task = asWritten ?? (await this.deps.store.findTask(tenantId, taskId));
    if (!task) return;
    const message: ServerMessage = { type: 'task', task };
    for (const s of subs) this.queue(s, message);
  }
}

const topicOf = (s: LiveSubscription): LiveTopic =>
  s.topic === 'task' && s.taskId ? { topic: 'task', taskId: s.taskId } : { topic: 'tasks' };

const topicKeyOf = (tenantId: string, t: LiveTopic) =>
  t.topic === 'task' ? `${tenantId}/task/${t.taskId}` : `${tenantId}/tasks`;

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
