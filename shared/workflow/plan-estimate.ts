import type { EmployeeProfile, Plan, TaskPreference } from '../domain';
import { promptTokenBound } from '../gateway';
import type { TeamModels } from '../gateway/team-models';

/** What a step's prompt holds besides its instructions (system prompt, tools, context), as tokens. */
const STEP_PROMPT_OVERHEAD_TOKENS = 2_000;

/**
 * An upper estimate of a plan's cost, for the approval threshold: each step's employee runs every
 * iteration with a full prompt and full output on the first model the router would pick; a Dev
 * step counts two rounds (Dev, then Dev again after QA's feedback). A step whose employee is
 * unknown, or that no live model could take, counts nothing. Zero when the models are free (demo).
 */
export async function estimatePlanMicroUsd(
  plan: Plan,
  context: {
    models: Pick<TeamModels, 'worstCaseCallMicroUsd'>;
    preference: TaskPreference;
    tenantId?: string;
    profileFor: (employeeId: string) => Promise<EmployeeProfile | undefined>;
    /** The task's chosen model for an employee: the estimate prices it first, as the router tries it. */
    preferredFor?: (employeeId: string) => { preferred?: string };
  },
): Promise<number> {
  const { models } = context;
  if (!models.worstCaseCallMicroUsd) return 0;
  let total = 0;
  for (const step of plan.steps) {
    const profile = await context.profileFor(step.employee);
    if (!profile) continue;
    const promptTokens =
      STEP_PROMPT_OVERHEAD_TOKENS +
      promptTokenBound({ messages: [{ role: 'user', content: step.instructions }] });
    const perCall = await models.worstCaseCallMicroUsd({
      ...(context.tenantId ? { tenantId: context.tenantId } : {}),
      profile,
      preference: context.preference,
      ...context.preferredFor?.(step.employee),
      promptTokens,
    });
    if (perCall === undefined) continue;
    const rounds = step.employee === 'dev' ? 2 : 1;
    total += perCall * profile.maxIterations * rounds;
  }
  return total;
}
