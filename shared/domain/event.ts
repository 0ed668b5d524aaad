import { z } from 'zod';
import { Plan } from './plan';
import { TaskStatus } from './task';

const base = {
  tenantId: z.string(),
  taskId: z.string(),
  /** ULID: lexical order is time order, and it is the pagination cursor. */
  id: z.string(),
  at: z.string(),
};

const modelRef = { provider: z.string(), model: z.string() };

export const TaskEvent = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('task_created'), prompt: z.string(), title: z.string() }),
  z.object({
    ...base,
    type: z.literal('status_changed'),
    from: TaskStatus,
    to: TaskStatus,
    reason: z.string().optional(),
  }),
  z.object({ ...base, type: z.literal('plan_made'), plan: Plan, ...modelRef }),
  z.object({
    ...base,
    type: z.literal('step_started'),
    stepId: z.string(),
    employee: z.string(),
    title: z.string(),
    index: z.number().int().nonnegative(),
    total: z.number().int().positive(),
  }),
  z.object({
    ...base,
    type: z.literal('message'),
    stepId: z.string().optional(),
    employee: z.string(),
    text: z.string(),
    ...modelRef,
  }),
  z.object({
    ...base,
    type: z.literal('usage'),
    stepId: z.string().optional(),
    employee: z.string(),
    ...modelRef,
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    cachedInputTokens: z.number().int().nonnegative(),
    costMicroUsd: z.number().int().nonnegative(),
  }),
  z.object({
    ...base,
    type: z.literal('step_finished'),
    stepId: z.string(),
    employee: z.string(),
    outcome: z.enum(['succeeded', 'failed']),
    summary: z.string(),
  }),
  z.object({ ...base, type: z.literal('task_finished'), status: TaskStatus, summary: z.string().optional() }),
  z.object({
    ...base,
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
    stepId: z.string().optional(),
  }),
]);
export type TaskEvent = z.infer<typeof TaskEvent>;
export type TaskEventType = TaskEvent['type'];

/** An event as a producer writes it: the store assigns id, time, tenant and task. */
export type NewTaskEvent = TaskEvent extends infer E
  ? E extends TaskEvent
    ? Omit<E, 'id' | 'at' | 'tenantId' | 'taskId'>
    : never
  : never;
