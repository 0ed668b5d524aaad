import { employeeOf, teamForTask } from '../../agents';
import { type EmployeeProfile, modelChoice, type Plan, planDraftJsonSchema, type Task } from '../../domain';
import { NotFound } from '../../errors';
import type { ModelMessage, ResponseSchema } from '../../gateway/types';
import { recallForPlanning } from '../../memory/task-memory';
import type { WorkflowInput } from '../definition';
import type { WorkflowDeps } from '../deps';
import { PlanInvalid, TaskNotRunnable } from '../errors';
import { estimatePlanMicroUsd } from '../plan-estimate';
import { planWaves } from '../plan-waves';
import { type DraftReading, readPlanDraft } from './plan-draft';
import { notesFor } from './step-context';
import { plannerSystem } from './super-agent-prompts';

/** The planner's structured output: the plan as one JSON object (name fixed across the team's parts). */
export function submitPlanSchema(): ResponseSchema {
  return {
    name: 'submit_plan',
    description: "Submit the task's plan: the steps, who does each, and how each is accepted.",
    schema: planDraftJsonSchema(),
  };
}

/**
 * Asks the Super Agent for a plan (or, in a re-plan, for the new steps) through structured
 * output, reads it strictly, and gives one repair round in which the model sees every problem.
 * A second invalid answer fails with PlanInvalid.
 */
export async function draftPlan(
  { store, models }: WorkflowDeps,
  args: {
    task: Task;
    profile: EmployeeProfile;
    team: readonly EmployeeProfile[];
    system: string;
    prompt: string;
    schema: ResponseSchema;
    /** Reads an answer: a plan, a declined re-plan, or the problems for the repair round. */
    read: (answer: string, employees: readonly string[]) => DraftReading;
  },
): Promise<{
  plan?: Plan;
  declined?: string;
  reason?: string;
  repairs: string[];
  provider: string;
  model: string;
}> {
  const { task, profile, team } = args;
  const { tenantId, id: taskId } = task;
  const messages: ModelMessage[] = [{ role: 'user', content: args.prompt }];
  const employees = team.map((p) => p.id);
  for (let attempt = 1; ; attempt++) {
    const answer = await models.complete({
      profile,
      preference: task.preference,
      ...modelChoice(task, profile.id),
      system: args.system,
      messages,
      responseSchema: args.schema,
      maxOutputTokens: profile.maxTokensPerStep,
      temperature: profile.temperature,
      context: { tenantId, taskId, employeeId: profile.id },
    });
    const reading = args.read(answer.text, employees);
    if (reading.plan || reading.declined !== undefined) {
      const { provider, model } = answer;
      return {
        ...(reading.plan ? { plan: reading.plan } : { declined: reading.declined! }),
        ...(reading.reason !== undefined ? { reason: reading.reason } : {}),
        repairs: reading.repairs,
        provider,
        model,
      };
    }
    await store.appendEvent(tenantId, taskId, { type: 'plan_invalid', attempt, problems: reading.problems });
    if (attempt === 2) throw new PlanInvalid(reading.problems);
    messages.push(
      { role: 'assistant', content: answer.text },
      {
        role: 'user',
        content: [
          'That plan cannot run. Every problem:',
          ...reading.problems.map((p) => `- ${p}`),
          `Submit the whole corrected answer again with ${args.schema.name}.`,
        ].join('\n'),
      },
    );
  }
}

/**
 * Plan: the Super Agent turns the prompt into a plan. An invalid plan gets one
 * repair round in which the model sees the problems; a second failure fails the task.
 */
export async function planTask(
  deps: WorkflowDeps,
  input: WorkflowInput,
): Promise<{ needsApproval: boolean }> {
  const { store } = deps;
  const { tenantId, taskId } = input;
  const task = await store.getTask(tenantId, taskId);
  const existing = await store.getPlanRecord(tenantId, taskId);
  // A resumed run keeps the plan it had: no model is asked twice. A plan nobody
  // approved goes through the gate again if it needs approval.
  // `running` means StartRun already ran, so the gate was passed.
  if (existing && task.status === 'running') return { needsApproval: false };
  if (existing && task.status === 'awaiting_approval') return { needsApproval: !existing.approvedAt };
  if (task.status === 'queued') await store.transitionTask(tenantId, taskId, 'planning', { from: 'queued' });
  else if (task.status !== 'planning') throw new TaskNotRunnable(taskId, task.status, 'plan');
  if (existing) {
    return {
      needsApproval: !existing.approvedAt && (await approvalNeeded(deps, task, existing.plan)),
    };
  }

  // Only the task's team is offered, and a step for anyone else is a problem the repair round sees.
  const team = (await teamForTask(store, task, deps.builtInEmployees)).filter((p) => p.id !== 'super-agent');
  const profile = await employeeOf(store, tenantId, 'super-agent', deps.builtInEmployees);
  const { plan, repairs, provider, model } = await draftPlan(deps, {
    task,
    profile,
    team,
    system: plannerSystem(profile, team),
    prompt: [task.prompt, ...notesFor(task), ...(await recall(deps, task))].join('\n'),
    schema: submitPlanSchema(),
    read: readPlanDraft,
  });
  // draftPlan returns a plan or throws PlanInvalid: readPlanDraft never declines.
  if (!plan) throw new PlanInvalid(['the planner returned no plan']);
  if (repairs.length) await store.appendEvent(tenantId, taskId, { type: 'plan_repaired', repairs });
  await store.savePlan(tenantId, taskId, plan);
  await store.updateTask(tenantId, taskId, { stepCount: plan.steps.length });
  await store.appendEvent(tenantId, taskId, { type: 'plan_made', plan, provider, model });
  return { needsApproval: await approvalNeeded(deps, task, plan) };
}

/** The tenant's most relevant memories and documents for the planner; none when memory is off or fails (planning never waits on it). */
async function recall({ memory }: WorkflowDeps, task: Task): Promise<string[]> {
  return memory ? recallForPlanning(memory, task).catch(() => []) : [];
}

/** A plan needs a person's approval when the task asks for it or its estimate is over the tenant's threshold. */
async function approvalNeeded({ store, models }: WorkflowDeps, task: Task, plan: Plan): Promise<boolean> {
  if (task.requireApproval) return true;
  const threshold = (await store.getTenant(task.tenantId))?.approvalThresholdMicroUsd;
  if (threshold === undefined) return false;
  const estimate = await planEstimate({ store, models }, task, plan);
  return estimate > threshold;
}

function planEstimate(
  { store, models, builtInEmployees }: Pick<WorkflowDeps, 'store' | 'models' | 'builtInEmployees'>,
  task: Task,
  plan: Plan,
) {
  return estimatePlanMicroUsd(plan, {
    models,
    preference: task.preference,
    tenantId: task.tenantId,
    profileFor: (id) => employeeOf(store, task.tenantId, id, builtInEmployees).catch(() => undefined),
    preferredFor: (id) => modelChoice(task, id),
  });
}

/** RequestApproval's Lambda: records the task token and waits (the state machine holds the run). */
export async function requestApproval(
  { store, models }: WorkflowDeps,
  input: WorkflowInput & { taskToken: string },
): Promise<Record<string, never>> {
  const { tenantId, taskId, taskToken } = input;
  const task = await store.getTask(tenantId, taskId);
  if (task.status === 'planning') {
    await store.transitionTask(tenantId, taskId, 'awaiting_approval', {
      from: 'planning',
      reason: 'the plan needs approval',
    });
  } else if (task.status !== 'awaiting_approval') {
    throw new TaskNotRunnable(taskId, task.status, 'wait for approval');
  }
  const plan = await store.getPlan(tenantId, taskId);
  const estimate = plan ? await planEstimate({ store, models }, task, plan) : 0;
  await store.saveApprovalRequest(tenantId, taskId, { token: taskToken, estimateMicroUsd: estimate });
  await store.appendEvent(tenantId, taskId, {
    type: 'approval_requested',
    estimateMicroUsd: estimate,
    reason: task.requireApproval
      ? 'the task asked for approval'
      : "the estimate is over the tenant's threshold",
  });
  return {};
}

/**
 * StartRun: the plan is final; the task runs, and the waves are computed from the stored plan.
 * The run's sandbox starts now (the Fargate tier's runner task), so its start-up overlaps the
 * first steps' model calls instead of delaying the first job.
 */
export async function startRun(
  { store, sandboxRunners }: WorkflowDeps,
  input: WorkflowInput,
): Promise<{ waves: string[][] }> {
  const { tenantId, taskId } = input;
  const task = await store.getTask(tenantId, taskId);
  const plan = await store.getPlan(tenantId, taskId);
  if (!plan) throw new NotFound('plan of task', taskId);
  if (task.status === 'planning' || task.status === 'awaiting_approval') {
    await store.transitionTask(tenantId, taskId, 'running', { from: task.status });
  } else if (task.status !== 'running') {
    throw new TaskNotRunnable(taskId, task.status, 'start running');
  }
  const team = (await teamForTask(store, task)).map((p) => p.id);
  const waves = planWaves(plan, team);
  await sandboxRunners?.start(taskId);
  return { waves };
}
