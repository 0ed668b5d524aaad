import { z } from 'zod';
import { IllegalTransition } from '../errors';

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
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  costMicroUsd: z.number().int().nonnegative(),
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

export const TaskId = z.string().regex(/^tsk_[0-9A-HJKMNP-TV-Z]{26}$/, 'must look like tsk_<ULID>');

export const Task = z.object({
  tenantId: z.string(),
  id: TaskId,
  title: z.string(),
  prompt: z.string(),
  status: TaskStatus,
  preference: TaskPreference,
  requireApproval: z.boolean(),
  budgetMicroUsd: z.number().int().positive().optional(),
  stepCount: z.number().int().nonnegative(),
  stepsDone: z.number().int().nonnegative(),
  totals: TokenTotals,
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  failure: TaskFailure.optional(),
  summary: z.string().optional(),
  executionId: z.string().optional(),
});
export type Task = z.infer<typeof Task>;

/** The body of `POST /v1/tasks`. */
export const CreateTaskInput = z
  .object({
    prompt: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20000 characters'),
    title: z.string().trim().min(1).max(200).optional(),
    preference: TaskPreference.default('balanced'),
    requireApproval: z.boolean().default(false),
    budgetUsd: z.number().positive().max(10_000).optional(),
  })
  .strict();
export type CreateTaskInput = z.input<typeof CreateTaskInput>;
