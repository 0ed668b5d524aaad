import { employeeOf, teamForTask } from '../../agents';
import { replanDraftJsonSchema } from '../../domain';
import { currentErrorCode, isTechteamError } from '../../errors';
import type { ResponseSchema } from '../../gateway/types';
import type { WorkflowInput } from '../definition';
import { REPLANNABLE_ERRORS } from '../definition';
import type { WorkflowDeps } from '../deps';
import { planHistoryEvents, replanEvents } from '../history-budget';
import { planWaves } from '../plan-waves';
import { type CaughtError, causeMessage } from './finish-states';
import { readReplanDraft } from './plan-draft';
import { draftPlan } from './plan-states';
import { notesFor } from './step-context';
import { replannerSystem } from './super-agent-prompts';
import { taskEvidence } from './task-evidence';

/** The re-planner's structured output: replan the rest (new steps only), or decline. */
export function submitReplanSchema(): ResponseSchema {
  return {
    name: 'submit_replan',
    description: 'Re-plan the remaining work after a failed step (the new steps only), or decline.',
    schema: replanDraftJsonSchema(),
  };
}

/** What Replan hands the state machine: whether a new plan runs, and its waves (ids only). */
export interface ReplanOutcome {
  replanned: boolean;
  waves: string[][];
}

/**
 * Replan: a step failed (QA rejected every round, the employee got stuck or ran out of
 * iterations, no model could answer). The Super Agent sees the failure and what the team
 * did, and may re-plan the remaining steps once; steps already done keep their results.
 * Every decision is an event. A task re-plans at most once, a resumed one included.
 */
export async function replan(
  deps: WorkflowDeps,
  input: WorkflowInput & { error?: CaughtError },
): Promise<ReplanOutcome> {
  const { store } = deps;
  const { tenantId, taskId } = input;
  const no: ReplanOutcome = { replanned: false, waves: [] };
  const task = await store.getTask(tenantId, taskId);
  // A task someone cancelled meanwhile is left as it is; MarkTaskFailed sees that too.
  if (task.status !== 'running') return no;
  const failure = { code: input.error?.Error ?? 'Unknown', message: causeMessage(input.error ?? {}) };
  const record = await store.getPlanRecord(tenantId, taskId);
  const plan = record?.plan;
  const results = await store.listStepResults(tenantId, taskId);
  const resultOf = (id: string) => results.find((r) => r.stepId === id);
  const steps = plan?.steps ?? [];
  const failedStep =
    steps.find((s) => resultOf(s.id)?.status === 'failed') ??
    steps.find((s) => resultOf(s.id)?.status === 'running');
  const declined = async (reason: string) => {
    await store.appendEvent(tenantId, taskId, {
      type: 'replan_declined',
      ...(failedStep ? { failedStepId: failedStep.id } : {}),
      failure,
      reason,
    });
    return no;
  };
  if (!plan) return declined('there is no plan to re-plan');
  if ((plan.revision ?? 1) > 1) return declined('the task was already re-planned once');
  if (!(REPLANNABLE_ERRORS as readonly string[]).includes(currentErrorCode(failure.code))) {
    return declined(`a ${failure.code} failure is not one a new plan can mend`);
  }

  const kept = steps.filter((s) => resultOf(s.id)?.status === 'succeeded');
  const remaining = steps.filter((s) => resultOf(s.id)?.status !== 'succeeded');
  const team = (await teamForTask(store, task, deps.builtInEmployees)).filter((p) => p.id !== 'super-agent');
  const profile = await employeeOf(store, tenantId, 'super-agent', deps.builtInEmployees);
  const prompt = [
    '## The task',
    task.prompt,
    ...notesFor(task),
    '',
    '## The failure',
    `${failedStep ? `Step '${failedStep.id}' (${failedStep.employee}) failed` : 'A step failed'}: ${failure.code}: ${failure.message}`,
    '',
    `## Steps already done (they stay; new steps may depend on them): ${kept.map((s) => s.id).join(', ') || 'none'}`,
    `## Steps not done (replaced by your new steps): ${remaining.map((s) => s.id).join(', ')}`,
    '',
    await taskEvidence(deps, task, plan),
  ].join('\n');
  let answer: Awaited<ReturnType<typeof draftPlan>>;
  try {
    answer = await draftPlan(deps, {
      task,
      profile,
      team,
      system: replannerSystem(profile, team),
      prompt,
      schema: submitReplanSchema(),
      // The first Execute may have used its whole budget: the new steps must fit in what is left.
      read: (text, employees) =>
        readReplanDraft(text, employees, kept, planHistoryEvents(plan) + replanEvents()),
    });
  } catch (e) {
    // A re-plan that cannot be made (an invalid answer twice, no model left) ends in the
    // original failure, which MarkTaskFailed records; why the re-plan failed is an event.
    if (isTechteamError(e)) return declined(`the re-plan failed: ${e.message}`);
    throw e;
  }
  if (!answer.plan) return declined(answer.declined ?? 'no reason given');
  const replanned = { ...answer.plan, summary: answer.plan.summary || plan.summary, revision: 2 };
  const fresh = replanned.steps.filter((s) => !kept.some((k) => k.id === s.id));
  if (answer.repairs.length) {
    await store.appendEvent(tenantId, taskId, { type: 'plan_repaired', repairs: answer.repairs });
  }
  await store.savePlan(tenantId, taskId, replanned);
  await store.updateTask(tenantId, taskId, { stepCount: replanned.steps.length });
  await store.appendEvent(tenantId, taskId, {
    type: 'replanned',
    ...(failedStep ? { failedStepId: failedStep.id } : {}),
    failure,
    reason: answer.reason ?? '',
    steps: fresh,
    provider: answer.provider,
    model: answer.model,
  });
  return {
    replanned: true,
    waves: planWaves(
      replanned,
      team.map((p) => p.id),
    ),
  };
}
