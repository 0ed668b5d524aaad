import type { Store } from '../store';
import type { LiveSubscriptions } from '../store/live-subscriptions';
import * as z from '../zod';
import type { LiveConnections } from './connections';
import { InvalidLiveMessage } from './errors';
import { ClientMessage, Ping, SubscribeTask, SubscribeTasks, Unsubscribe } from './protocol';

export interface SessionDeps {
  store: Store;
  subscriptions: LiveSubscriptions;
  connections: LiveConnections;
}

/** `$connect`, after the authorizer accepted it: the connection is remembered (with a TTL). */
export async function openSession(tenantId: string, connectionId: string, deps: SessionDeps): Promise<void> {
  await deps.subscriptions.putConnection(tenantId, connectionId);
}

/** `$disconnect`: the connection and its subscriptions leave the table. */
export async function closeSession(tenantId: string, connectionId: string, deps: SessionDeps): Promise<void> {
  await deps.subscriptions.dropConnection(tenantId, connectionId);
}

/**
 * One client frame. A subscribe only writes the subscription: the fan-out, reading the table's
 * stream in order, sends the backlog and `subscribed` (see fan-out.ts). Problems are answered
 * on the socket as `error` messages naming the field; they never close it.
 */
export async function handleClientFrame(
  tenantId: string,
  connectionId: string,
  frame: string,
  deps: SessionDeps,
): Promise<void> {
  let message: ClientMessage;
  try {
    message = parseFrame(frame);
  } catch (e) {
    const error = e instanceof InvalidLiveMessage ? e : new InvalidLiveMessage(String(e));
    await deps.connections.post(connectionId, { type: 'error', code: error.code, message: error.message });
    return;
  }
  switch (message.action) {
    case 'ping':
      await deps.connections.post(connectionId, { type: 'pong' });
      return;
    case 'unsubscribe':
      if (message.topic === 'task' && !message.taskId) {
        await deps.connections.post(connectionId, {
          type: 'error',
          code: 'InvalidMessage',
          message: 'taskId: is required to unsubscribe from a task',
        });
        return;
      }
      await deps.subscriptions.unsubscribe(
        tenantId,
        connectionId,
        message.topic === 'task' ? { topic: 'task', taskId: message.taskId ?? '' } : { topic: 'tasks' },
      );
      return;
    case 'subscribe':
      if (message.topic === 'tasks') {
        await deps.subscriptions.subscribe(tenantId, connectionId, { topic: 'tasks' });
        return;
      }
      // Another tenant's task id reads as unknown: the subscription is keyed by this tenant.
      if (!(await deps.store.findTask(tenantId, message.taskId))) {
        await deps.connections.post(connectionId, {
          type: 'error',
          code: 'NotFound',
          message: `taskId: task '${message.taskId}' was not found`,
        });
        return;
      }
      await deps.subscriptions.subscribe(
        tenantId,
        connectionId,
        { topic: 'task', taskId: message.taskId },
        message.after,
      );
      return;
  }
}

function parseFrame(frame: string): ClientMessage {
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    throw new InvalidLiveMessage('The message is not JSON: send e.g. {"action":"subscribe","topic":"tasks"}');
  }
  // The schema for the message's own action, so an error names the field, not "no union member".
  const action = (json as { action?: unknown } | null)?.action;
  const topic = (json as { topic?: unknown } | null)?.topic;
  const schema =
    action === 'subscribe'
      ? topic === 'task'
        ? SubscribeTask
        : SubscribeTasks
      : action === 'unsubscribe'
        ? Unsubscribe
        : action === 'ping'
          ? Ping
          : ClientMessage;
  const result = z.safeParse(schema, json);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (i) => `${i.path.length ? i.path.join('.') : 'message'}: ${i.message}`,
  );
  throw new InvalidLiveMessage(`Invalid message: ${issues.join('; ')}`);
}
