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
    type: z.literal('plan_invalid'),
    attempt: z.number().int().positive(),
    problems: z.array(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal('approval_requested'),
    estimateMicroUsd: z.number().int().nonnegative(),
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('approval_decided'),
    decision: z.enum(['approved', 'rejected']),
    edited: z.boolean(),
    note: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('tool_call'),
    stepId: z.string().optional(),
    employee: z.string(),
    callId: z.string(),
    tool: z.string(),
    arguments: z.record(z.string(), z.unknown()),
  }),
  z.object({
    ...base,
    type: z.literal('tool_result'),
    stepId: z.string().optional(),
    employee: z.string(),
    callId: z.string(),
    tool: z.string(),
    ok: z.boolean(),
    output: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('tool_refused'),
    stepId: z.string().optional(),
    employee: z.string(),
    tool: z.string(),
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('sandbox_run'),
    stepId: z.string().optional(),
    employee: z.string(),
    command: z.string(),
    isolation: z.string(),
    exitCode: z.number().int(),
    durationMs: z.number().nonnegative(),
    limit: z.string().optional(),
    tests: z
      .object({ passed: z.number().int(), failed: z.number().int(), errors: z.number().int() })
      .optional(),
  }),
  z.object({
    ...base,
    type: z.literal('verdict'),
    stepId: z.string(),
    employee: z.string(),
    round: z.number().int().positive(),
    passed: z.boolean(),
    findings: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('handoff'),
    stepId: z.string(),
    from: z.string(),
    to: z.string(),
    note: z.string(),
  }),
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
