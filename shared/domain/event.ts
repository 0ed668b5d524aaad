import * as z from '../zod';
import { Plan, PlanStep } from './plan';
import { TaskStatus, TaskTeam } from './task';

/**
 * A field of an event too large for the event item: the item keeps a preview of it, and the whole
 * text is the task's file `file` (served by GET /v1/tasks/{id}/files/{file}). Without `file` the
 * rest of the text could not be kept (no file store, or it failed) and only the preview remains.
 */
export const EventPayloadRef = z.object({
  /** Where the field is in the event, dotted: `output`, `arguments.content`, `plan.steps.2.instructions`. */
  field: z.string(),
  /** The whole field's size in UTF-8 bytes. */
  bytes: z.int().check(z.nonnegative()),
  file: z.optional(z.string()),
});
export type EventPayloadRef = z.infer<typeof EventPayloadRef>;

const base = {
  tenantId: z.string(),
  taskId: z.string(),
  /**
   * ULID, and the pagination cursor. The store makes each one greater than the task's last
   * committed event id, so id order is commit order: a reader after a cursor misses nothing.
   */
  id: z.string(),
  /** 1, 2, 3… per task, in commit order; absent on events written before it was kept. */
  seq: z.optional(z.int().check(z.positive())),
  at: z.string(),
  /** Fields moved out of the event because they were too large (see EventPayloadRef). */
  payloads: z.optional(z.array(EventPayloadRef)),
};

const modelRef = { provider: z.string(), model: z.string() };

export const TaskEvent = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('task_created'),
    prompt: z.string(),
    title: z.string(),
    /** The team the task chose (who may work on it, each one's model), when it chose one. */
    team: z.optional(TaskTeam),
  }),
  z.object({
    ...base,
    type: z.literal('status_changed'),
    from: TaskStatus,
    to: TaskStatus,
    reason: z.optional(z.string()),
  }),
  z.object({ ...base, type: z.literal('plan_made'), plan: Plan, ...modelRef }),
  z.object({
    ...base,
    type: z.literal('step_started'),
    stepId: z.string(),
    employee: z.string(),
    title: z.string(),
    index: z.int().check(z.nonnegative()),
    total: z.int().check(z.positive()),
  }),
  z.object({
    ...base,
    type: z.literal('message'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    text: z.string(),
    ...modelRef,
  }),
  z.object({
    ...base,
    type: z.literal('usage'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    ...modelRef,
    inputTokens: z.int().check(z.nonnegative()),
    outputTokens: z.int().check(z.nonnegative()),
    cachedInputTokens: z.int().check(z.nonnegative()),
    costMicroUsd: z.int().check(z.nonnegative()),
  }),
  z.object({
    ...base,
    /** A call cost more than the worst case reserved for it; the difference is booked against its budgets. */
    type: z.literal('budget_overrun'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    ...modelRef,
    reservedMicroUsd: z.int().check(z.nonnegative()),
    costMicroUsd: z.int().check(z.nonnegative()),
    overrunMicroUsd: z.int().check(z.positive()),
  }),
  z.object({
    ...base,
    type: z.literal('step_finished'),
    stepId: z.string(),
    employee: z.string(),
    outcome: z.enum(['succeeded', 'failed']),
    summary: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('task_finished'),
    status: TaskStatus,
    summary: z.optional(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal('plan_invalid'),
    attempt: z.int().check(z.positive()),
    problems: z.array(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal('plan_repaired'),
    /** What was mended without asking the model, e.g. a qa step folded into the dev step it reviewed. */
    repairs: z.array(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal('replanned'),
    /** The step whose failure led to the re-plan, and that failure. */
    failedStepId: z.optional(z.string()),
    failure: z.object({ code: z.string(), message: z.string() }),
    reason: z.string(),
    /** The new steps; the steps already done stay as they were. */
    steps: z.array(PlanStep),
    ...modelRef,
  }),
  z.object({
    ...base,
    type: z.literal('replan_declined'),
    failedStepId: z.optional(z.string()),
    failure: z.object({ code: z.string(), message: z.string() }),
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('approval_requested'),
    estimateMicroUsd: z.int().check(z.nonnegative()),
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('approval_decided'),
    decision: z.enum(['approved', 'rejected']),
    edited: z.boolean(),
    note: z.optional(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal('tool_call'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    callId: z.string(),
    tool: z.string(),
    arguments: z.record(z.string(), z.unknown()),
    /** Why the call was not run: its arguments were not a JSON object (e.g. cut off). */
    invalid: z.optional(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal('tool_result'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    callId: z.string(),
    tool: z.string(),
    ok: z.boolean(),
    output: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('tool_refused'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    tool: z.string(),
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('sandbox_run'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    command: z.string(),
    isolation: z.string(),
    exitCode: z.int(),
    durationMs: z.number().check(z.nonnegative()),
    limit: z.optional(z.string()),
    tests: z.optional(z.object({ passed: z.int(), failed: z.int(), errors: z.int() })),
  }),
  z.object({
    ...base,
    type: z.literal('verdict'),
    stepId: z.string(),
    employee: z.string(),
    round: z.int().check(z.positive()),
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
  z.object({ ...base, type: z.literal('note_added'), text: z.string() }),
  z.object({
    ...base,
    type: z.literal('context_condensed'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    /** Messages summarised, and the prompt's size (tokens) before and after. */
    messages: z.int().check(z.nonnegative()),
    tokensBefore: z.int().check(z.nonnegative()),
    tokensAfter: z.int().check(z.nonnegative()),
  }),
  z.object({
    ...base,
    type: z.literal('employee_stuck'),
    stepId: z.optional(z.string()),
    employee: z.string(),
    /** Why the loop gave up (repeating itself, out of iterations, no verdict); what exists is handed on. */
    reason: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal('error'),
    code: z.string(),
    message: z.string(),
    stepId: z.optional(z.string()),
  }),
]);
export type TaskEvent = z.infer<typeof TaskEvent>;
export type TaskEventType = TaskEvent['type'];

/** An event as a producer writes it: the store assigns id, sequence, time, tenant and task. */
export type NewTaskEvent = TaskEvent extends infer E
  ? E extends TaskEvent
    ? Omit<E, 'id' | 'seq' | 'at' | 'tenantId' | 'taskId' | 'payloads'>
    : never
  : never;
