import { BUILT_IN_EMPLOYEES, builtInProfile } from '../agents';
import { Plan, type PlanStep, type Task } from '../domain';
import { ConcurrentUpdate, ModelOutputInvalid, NotFound } from '../errors';
import type { Store } from '../store';
import type { WorkflowInput } from './definition';
import { TaskNotRunnable } from './errors';
import type { TeamModels } from './models';
import { orderPlanSteps } from './plan-order';

/** What every Task state implementation is given. */
export interface WorkflowDeps {
  store: Store;
  models: TeamModels;
}

export interface StepInput extends WorkflowInput {
  stepId: string;
}

function profileFor(employee: string) {
  const profile = builtInProfile(employee);
  if (!profile) throw new NotFound('employee', employee);
  return profile;
}

function parsePlan(text: string, provider: string, model: string): Plan {
  let raw: unknown;
  try {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    raw = JSON.parse(start >= 0 && end > start ? text.slice(start, end + 1) : text);
  } catch {
    throw new ModelOutputInvalid(provider, model, 'the plan is not JSON');
  }
  const parsed = Plan.safeParse(raw);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'plan'}: ${i.message}`).join('; ');
    throw new ModelOutputInvalid(provider, model, `the plan does not match the schema (${why})`);
  }
  return parsed.data;
}

/** Plan: the Super Agent turns the prompt into a plan; returns the step ids in run order. */
export async function planTask(
  { store, models }: WorkflowDeps,
  input: WorkflowInput,
): Promise<{ stepIds: string[] }> {
  const { tenantId, taskId } = input;
  const task = await store.getTask(tenantId, taskId);
  if (task.status === 'running') {
    // A redelivered Plan after the plan was stored: answer from the store, call no model twice.
    const plan = await store.getPlan(tenantId, taskId);
    if (plan) return { stepIds: orderPlanSteps(plan, BUILT_IN_EMPLOYEES) };
  }
  if (task.status === 'queued') await store.transitionTask(tenantId, taskId, 'planning', { from: 'queued' });
  else if (task.status !== 'planning') throw new TaskNotRunnable(taskId, task.status, 'plan');

  const profile = profileFor('super-agent');
  const answer = await models.complete({
    profile,
    preference: task.preference,
    system: profile.rolePrompt,
    messages: [{ role: 'user', content: task.prompt }],
    responseFormat: 'json',
    maxOutputTokens: profile.maxTokensPerStep,
    temperature: profile.temperature,
    context: { tenantId, taskId, employeeId: profile.id },
  });
  const plan = parsePlan(answer.text, answer.provider, answer.model);
  const stepIds = orderPlanSteps(plan, BUILT_IN_EMPLOYEES);
  await store.savePlan(tenantId, taskId, plan);
  await store.updateTask(tenantId, taskId, { stepCount: plan.steps.length });
  await store.appendEvent(tenantId, taskId, {
    type: 'plan_made',
    plan,
    provider: answer.provider,
    model: answer.model,
  });
  await store.transitionTask(tenantId, taskId, 'running', { from: 'planning' });
  return { stepIds };
}

function stepPrompt(task: Task, step: PlanStep, inputs: { title: string; output: string }[]): string {
  const parts = [
    step.instructions,
    '',
    `Step: ${step.title}`,
    `Acceptance: ${step.acceptance || 'the step is done as instructed'}`,
    `The whole task: ${task.prompt}`,
  ];
  if (inputs.length) {
    parts.push('', 'Results of the steps this one depends on:');
    for (const i of inputs) parts.push(`## ${i.title}`, i.output);
  }
  return parts.join('\n');
}

/** RunStep: one employee does one plan step. Idempotent: a step already done is not done again. */
export async function runStep(
  { store, models }: WorkflowDeps,
  input: StepInput,
): Promise<{ stepId: string }> {
  const { tenantId, taskId, stepId } = input;
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'running') throw new TaskNotRunnable(taskId, task.status, `run step '${stepId}'`);
  const plan = await store.getPlan(tenantId, taskId);
  if (!plan) throw new NotFound('plan of task', taskId);
  const step = plan.steps.find((s) => s.id === stepId);
  if (!step) throw new NotFound('plan step', stepId);
  const results = await store.listStepResults(tenantId, taskId);
  if (results.some((r) => r.stepId === stepId && r.status === 'succeeded')) return { stepId };

  const order = orderPlanSteps(plan, BUILT_IN_EMPLOYEES);
  const profile = profileFor(step.employee);
  const startedAt = new Date().toISOString();
  await store.appendEvent(tenantId, taskId, {
    type: 'step_started',
    stepId,
    employee: step.employee,
    title: step.title,
    index: order.indexOf(stepId),
    total: order.length,
  });
  await store.saveStepResult(tenantId, taskId, { stepId, status: 'running', output: '', startedAt });
  const inputs = step.dependsOn.map((dep) => ({
    title: plan.steps.find((s) => s.id === dep)?.title ?? dep,
    output: results.find((r) => r.stepId === dep)?.output ?? '',
  }));
  const answer = await models.complete({
    profile,
    preference: task.preference,
    system: profile.rolePrompt,
    messages: [{ role: 'user', content: stepPrompt(task, step, inputs) }],
    maxOutputTokens: profile.maxTokensPerStep,
    temperature: profile.temperature,
    context: { tenantId, taskId, stepId, employeeId: profile.id },
  });
  await store.appendEvent(tenantId, taskId, {
    type: 'message',
    stepId,
    employee: profile.id,
    text: answer.text,
    provider: answer.provider,
    model: answer.model,
  });
  await store.saveStepResult(tenantId, taskId, {
    stepId,
    status: 'succeeded',
    output: answer.text,
    startedAt,
    finishedAt: new Date().toISOString(),
  });
  const doneCount = results.filter((r) => r.status === 'succeeded' && r.stepId !== stepId).length + 1;
  await store.updateTask(tenantId, taskId, { stepsDone: doneCount });
  await store.appendEvent(tenantId, taskId, {
    type: 'step_finished',
    stepId,
    employee: profile.id,
    outcome: 'succeeded',
    summary: answer.text.split('\n')[0] ?? '',
  });
  return { stepId };
}

/** Finalize: every step is done; the task succeeds with a summary of what each step produced. */
export async function finalizeTask(
  { store }: WorkflowDeps,
  input: WorkflowInput,
): Promise<{ status: string }> {
  const { tenantId, taskId } = input;
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'running') throw new TaskNotRunnable(taskId, task.status, 'finalize');
  const plan = await store.getPlan(tenantId, taskId);
  const results = await store.listStepResults(tenantId, taskId);
  const lines = (plan?.steps ?? []).map((s) => {
    const out = results.find((r) => r.stepId === s.id)?.output ?? '';
    const lastLine = out.trim().split('\n').at(-1) ?? '';
    return `- ${s.title} (${s.employee}): ${lastLine}`;
  });
  const summary = [`Done: ${task.title}`, ...lines].join('\n');
  await store.transitionTask(tenantId, taskId, 'succeeded', { from: 'running', summary });
  await store.appendEvent(tenantId, taskId, { type: 'task_finished', status: 'succeeded', summary });
  return { status: 'succeeded' };
}

/** How Step Functions hands a caught error to the next state. */
export interface CaughtError {
  Error?: string;
  Cause?: string;
}

function causeMessage(error: CaughtError): string {
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; message?: string };
    return parsed.errorMessage ?? parsed.message ?? cause;
  } catch {
    return cause || 'no cause given';
  }
}

/** MarkFailed: records why the run failed. A task already ended (e.g. cancelled) is left as it is. */
export async function markTaskFailed(
  { store }: WorkflowDeps,
  input: WorkflowInput & { error?: CaughtError },
): Promise<{ status: string }> {
  const { tenantId, taskId } = input;
  const task = await store.findTask(tenantId, taskId);
  if (!task) return { status: 'missing' };
  if (['succeeded', 'failed', 'cancelled'].includes(task.status)) return { status: task.status };
  const failure = { code: input.error?.Error ?? 'Unknown', message: causeMessage(input.error ?? {}) };
  await store.appendEvent(tenantId, taskId, { type: 'error', code: failure.code, message: failure.message });
  try {
    await store.transitionTask(tenantId, taskId, 'failed', {
      from: task.status,
      failure,
      reason: failure.message,
    });
  } catch (e) {
    // Someone else ended it first (a cancel racing the failure): their status stands.
    if (e instanceof ConcurrentUpdate) return { status: (await store.getTask(tenantId, taskId)).status };
    throw e;
  }
  await store.appendEvent(tenantId, taskId, {
    type: 'task_finished',
    status: 'failed',
    summary: failure.message,
  });
  return { status: 'failed' };
}
