import * as z from '../zod';

export const StepId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'must be lowercase letters, digits and dashes (at most 48)'));

const stepShape = {
  id: StepId.check(z.describe('Unique step id: lowercase letters, digits and dashes, e.g. "write-parser".')),
  employee: z.string().check(z.minLength(1), z.describe('The id of the employee who does the step.')),
  title: z.string().check(z.minLength(1), z.maxLength(200), z.describe('A short title.')),
  instructions: z
    .string()
    .check(z.minLength(1), z.describe('What to do, concretely: files, runtime, behaviour, edge cases.')),
  dependsOn: z._default(
    z.array(StepId).check(z.describe('Ids of the steps whose results this step needs (camelCase key).')),
    [],
  ),
  acceptance: z._default(
    z.string().check(z.describe('Checkable criteria: what a reviewer runs or reads to accept the step.')),
    '',
  ),
};

export const PlanStep = z.object(stepShape);
export type PlanStep = z.infer<typeof PlanStep>;

export const Plan = z.object({
  summary: z._default(z.string(), ''),
  steps: z.array(PlanStep).check(z.minLength(1, 'a plan needs at least one step')),
  /** 2 once the Super Agent re-planned the rest after a failed step (a task re-plans once). */
  revision: z.optional(z.int().check(z.positive())),
});
export type Plan = z.infer<typeof Plan>;

/**
 * A plan as a model writes it: strict, so a misspelt key (`depends_on`) is a problem the
 * planner is told about instead of a field silently dropped.
 */
export const PlanDraft = z.strictObject({
  summary: z._default(z.string().check(z.describe('One or two sentences: the approach.')), ''),
  steps: z.array(z.strictObject(stepShape)).check(z.minLength(1, 'a plan needs at least one step')),
});
export type PlanDraft = z.infer<typeof PlanDraft>;

let draftSchema: Record<string, unknown> | undefined;
/** The JSON schema of PlanDraft, for structured output (`submit_plan`); built on first use. */
export function planDraftJsonSchema(): Record<string, unknown> {
  if (!draftSchema) {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(PlanDraft, { io: 'input' }) as Record<
      string,
      unknown
    >;
    draftSchema = schema;
  }
  return draftSchema;
}

/** A re-plan as a model writes it: replan the rest (the new steps only), or decline; strict like PlanDraft. */
export const ReplanDraft = z.strictObject({
  replan: z.boolean().check(z.describe('true to re-plan the remaining work, false to let the task fail.')),
  reason: z
    .string()
    .check(z.minLength(1), z.describe('Why: what failed, and why the new steps will work (or why not).')),
  summary: z._default(z.string(), ''),
  steps: z._default(
    z
      .array(z.strictObject(stepShape))
      .check(z.describe('The new steps only; steps already done stay. Empty when replan is false.')),
    [],
  ),
});
export type ReplanDraft = z.infer<typeof ReplanDraft>;

let replanSchema: Record<string, unknown> | undefined;
/** The JSON schema of ReplanDraft, for structured output (`submit_replan`); built on first use. */
export function replanDraftJsonSchema(): Record<string, unknown> {
  if (!replanSchema) {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(ReplanDraft, { io: 'input' }) as Record<
      string,
      unknown
    >;
    replanSchema = schema;
  }
  return replanSchema;
}

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
