import * as z from '../zod';

/**
 * The live protocol: JSON text frames over a WebSocket (API Gateway on AWS, the local host's
 * `/v1/live`). The dashboard and the CLI speak it; this file is its one definition.
 */
const TaskIdField = z.string().check(z.regex(/^tsk_[0-9A-HJKMNP-TV-Z]{26}$/, 'must look like tsk_<ULID>'));
const EventIdField = z
  .string()
  .check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an event id from an earlier message (a ULID)'));

export const SubscribeTasks = z.strictObject({ action: z.literal('subscribe'), topic: z.literal('tasks') });
export const SubscribeTask = z.strictObject({
  action: z.literal('subscribe'),
  topic: z.literal('task'),
  taskId: TaskIdField,
  /** The last event id the client has; the server sends every event after it (all of them without). */
  after: z.optional(EventIdField),
});
export const Unsubscribe = z.strictObject({
  action: z.literal('unsubscribe'),
  topic: z.enum(['tasks', 'task']),
  taskId: z.optional(TaskIdField),
});
export const Ping = z.strictObject({ action: z.literal('ping') });

export const ClientMessage = z.union([SubscribeTasks, SubscribeTask, Unsubscribe, Ping]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type Topic = { topic: 'tasks' } | { topic: 'task'; taskId: string };

/** Server → client. `event` and `task` carry exactly the items of the HTTP API's lists. */
export type ServerMessage =
  | { type: 'subscribed'; topic: 'tasks' }
  | { type: 'subscribed'; topic: 'task'; taskId: string }
  | { type: 'event'; taskId: string; event: unknown }
  | { type: 'task'; task: unknown }
  /** `id`: the delta's ULID (ordering only; deltas are never replayed). */
  | { type: 'delta'; taskId: string; id: string; stepId?: string; employee: string; text: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

/** The path the local host serves the protocol on (the same port as the HTTP API). */
export const LIVE_PATH = '/v1/live';
