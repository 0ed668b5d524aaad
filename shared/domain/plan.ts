import * as z from '../zod';

export const StepId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be lowercase letters, digits and dashes (at most 48)'));

export const PlanStep = z.object({
  id: StepId,
  employee: z.string().check(z.minLength(1)),
  title: z.string().check(z.minLength(1), z.maxLength(200)),
  instructions: z.string().check(z.minLength(1)),
  dependsOn: z._default(z.array(StepId), []),
  acceptance: z._default(z.string(), ''),
});
export type PlanStep = z.infer<typeof PlanStep>;

export const Plan = z.object({
  summary: z._default(z.string(), ''),
  steps: z.array(PlanStep).check(z.minLength(1, 'a plan needs at least one step')),
});
export type Plan = z.infer<typeof Plan>;

export const StepStatus = z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']);
export type StepStatus = z.infer<typeof StepStatus>;

/** What a step produced, stored beside the task so state payloads carry only ids. */
export const StepResult = z.object({
  stepId: StepId,
  status: StepStatus,
  output: z._default(z.string(), ''),
  /** The Dev/QA round this result is from, and QA's findings on it. */
  round: z.optional(z.int().check(z.positive())),
  findings: z.optional(z.string()),
  /** The round QA's findings are about, the tests QA saw fail and their output (clipped). */
  reviewedRound: z.optional(z.int().check(z.positive())),
  failingTests: z.optional(z.array(z.string())),
  testOutput: z.optional(z.string()),
  startedAt: z.optional(z.string()),
  finishedAt: z.optional(z.string()),
});
export type StepResult = z.infer<typeof StepResult>;
