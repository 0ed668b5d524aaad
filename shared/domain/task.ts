import { IllegalTransition } from '../errors';
import * as z from '../zod';
import { EmployeeId } from './employee';
import { usdAmount } from './money';

export const TaskStatus = z.enum([
  'queued',
  'planning',
  'awaiting_approval',
  'running',
  'succeeded',
  'failed',
  'cancelled',
]);
export type TaskStatus = z.infer<typeof TaskStatus>;

/**
 * The one place the task lifecycle is defined. The store enforces it with
 * conditional writes, so a transition not listed here can never be persisted.
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  queued: ['planning', 'cancelled', 'failed'],
  planning: ['awaiting_approval', 'running', 'failed', 'cancelled'],
  awaiting_approval: ['running', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  // A failed task may be resumed: back to running when its plan was approved, else queued (Plan keeps a stored plan).
  failed: ['queued', 'running'],
  cancelled: [],
};

/** Statuses in which no run is active. `failed` is one, though a resume may leave it. */
export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TASK_TRANSITIONS[from].includes(to);
}

export function assertTransition(taskId: string, from: TaskStatus, to: TaskStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransition(taskId, from, to);
}

export const TaskPreference = z.enum(['quality', 'balanced', 'cheap']);
export type TaskPreference = z.infer<typeof TaskPreference>;

export const TokenTotals = z.object({
  inputTokens: z.int().check(z.nonnegative()),
  outputTokens: z.int().check(z.nonnegative()),
  cachedInputTokens: z.int().check(z.nonnegative()),
  costMicroUsd: z.int().check(z.nonnegative()),
});
export type TokenTotals = z.infer<typeof TokenTotals>;

export const ZERO_TOTALS: TokenTotals = {
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  costMicroUsd: 0,
};

export const TaskFailure = z.object({ code: z.string(), message: z.string() });
export type TaskFailure = z.infer<typeof TaskFailure>;

export const TaskId = z.string().check(z.regex(/^tsk_[0-9A-HJKMNP-TV-Z]{26}$/, 'must look like tsk_<ULID>'));

/**
 * Who may work on a task and, per employee, the model to try first. `employees` are ids from the
 * tenant's roster (the Super Agent always plans, listed or not); `models` maps an employee (the
 * Super Agent included) to one of its allowed models; its profile's fallbacks follow it.
 */
export const TaskTeam = z.strictObject({
  employees: z
    .array(EmployeeId)
    .check(
      z.minLength(1, 'must name at least one employee'),
      z.maxLength(50, 'must have at most 50 entries'),
    ),
  models: z.optional(
    z.record(EmployeeId, z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(200))),
  ),
});
export type TaskTeam = z.infer<typeof TaskTeam>;

/** The Super Agent: it plans every task, so it is on every team. */
export const SUPER_AGENT = 'super-agent';

/** Whether an employee may work on the task: every employee when the task chose no team. */
export function onTeam(task: Pick<Task, 'team'>, employee: string): boolean {
  return !task.team || employee === SUPER_AGENT || task.team.employees.includes(employee);
}

/** The model the task chose for an employee, tried before the employee's own order. */
export function chosenModel(task: Pick<Task, 'team'>, employee: string): string | undefined {
  return task.team?.models?.[employee];
}

/** The part of a model call that carries the task's model choice for the employee (none: `{}`). */
export function modelChoice(task: Pick<Task, 'team'>, employee: string): { preferred?: string } {
  const preferred = chosenModel(task, employee);
  return preferred === undefined ? {} : { preferred };
}

export const Task = z.object({
  tenantId: z.string(),
  id: TaskId,
  title: z.string(),
  prompt: z.string(),
  status: TaskStatus,
  preference: TaskPreference,
  requireApproval: z.boolean(),
  budgetMicroUsd: z.optional(z.int().check(z.positive())),
  stepCount: z.int().check(z.nonnegative()),
  stepsDone: z.int().check(z.nonnegative()),
  totals: TokenTotals,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.optional(z.string()),
  failure: z.optional(TaskFailure),
  summary: z.optional(z.string()),
  executionId: z.optional(z.string()),
  /** A person's guidance to the team (given with a resume), oldest first; every employee sees it. */
  notes: z.optional(z.array(z.object({ at: z.string(), text: z.string() }))),
  /** The team the task chose (who may work on it, each one's model); absent: the whole roster. */
  team: z.optional(TaskTeam),
});
export type Task = z.infer<typeof Task>;

/** A person's note to the team: what to do differently, in plain words. */
export const TaskNote = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(4_000, 'must be at most 4000 characters'),
  );

/** How many notes a person may give one task: the task item must stay far below 400 KB. */
export const MAX_TASK_NOTES = 20;

/** The body of `POST /v1/tasks`. */
export const CreateTaskInput = z.strictObject({
  prompt: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, 'must not be empty'),
      z.maxLength(20_000, 'must be at most 20000 characters'),
    ),
  title: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  preference: z._default(TaskPreference, 'balanced'),
  requireApproval: z._default(z.boolean(), false),
  budgetUsd: z.optional(usdAmount(10_000)),
  /** Checked against the tenant's roster and models when the task is created (checkTaskTeam). */
  team: z.optional(TaskTeam),
});
export type CreateTaskInput = z.input<typeof CreateTaskInput>;
