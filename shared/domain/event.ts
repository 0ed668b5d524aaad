import * as z from '../zod';
import { Plan, PlanStep } from './plan';
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

/** An event as a producer writes it: the store assigns id, time, tenant and task. */
export type NewTaskEvent = TaskEvent extends infer E
  ? E extends TaskEvent
    ? Omit<E, 'id' | 'at' | 'tenantId' | 'taskId'>
    : never
  : never;
