import { z } from 'zod';

export const StepId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be lowercase letters, digits and dashes (at most 48)');

export const PlanStep = z.object({
  id: StepId,
  employee: z.string().min(1),
  title: z.string().min(1).max(200),
  instructions: z.string().min(1),
  dependsOn: z.array(StepId).default([]),
  acceptance: z.string().default(''),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const Plan = z.object({
  summary: z.string().default(''),
  steps: z.array(PlanStep).min(1, 'a plan needs at least one step'),
});
export type Plan = z.infer<typeof Plan>;

export const StepStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']);
export type StepStatus = z.infer<typeof StepStatus>;

/** What a step produced, stored beside the task so state payloads carry only ids. */
export const StepResult = z.object({
  stepId: StepId,
  status: StepStatus,
  output: z.string().default(''),
  /** The Dev/QA round this result is from, and QA's findings on it. */
  round: z.number().int().positive().optional(),
  findings: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
export type StepResult = z.infer<typeof StepResult>;
