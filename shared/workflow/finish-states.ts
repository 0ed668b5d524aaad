import { employeeOf } from '../agents';
import { isTerminal } from '../domain';
import { ConcurrentUpdate } from '../errors';
import type { WorkflowInput } from './definition';
import type { WorkflowDeps } from './deps';
import { TaskNotRunnable } from './errors';

/** Synthesize: the Super Agent writes the task's summary from what each step produced. */
export async function synthesize(
  { store, models }: WorkflowDeps,
  input: WorkflowInput,
): Promise<{ done: true }> {
  const { tenantId, taskId } = input;
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'running') throw new TaskNotRunnable(taskId, task.status, 'synthesize');
  const plan = await store.getPlan(tenantId, taskId);
  const results = await store.listStepResults(tenantId, taskId);
  const profile = await employeeOf(store, tenantId, 'super-agent');
  const body = (plan?.steps ?? []).map((s) => {
    const r = results.find((x) => x.stepId === s.id);
    return `## ${s.title} (${s.employee})\n${r?.output ?? ''}${r?.findings ? `\nQA: ${r.findings}` : ''}`;
  });
  const answer = await models.complete({
    profile,
    preference: task.preference,
    system: `${profile.rolePrompt}\nNow write the summary of the finished task for the person who asked for it.`,
    messages: [{ role: 'user', content: [task.prompt, '', 'What the team did:', ...body].join('\n') }],
    maxOutputTokens: 1024,
    temperature: profile.temperature,
    context: { tenantId, taskId, employeeId: profile.id },
  });
  await store.appendEvent(tenantId, taskId, {
    type: 'message',
    employee: profile.id,
    text: answer.text,
    provider: answer.provider,
    model: answer.model,
  });
  await store.updateTask(tenantId, taskId, { summary: answer.text });
  return { done: true };
}

/** Finalize: every step is done; the task succeeds with its summary. */
export async function finalizeTask(
  { store, sandboxRuns }: WorkflowDeps,
  input: WorkflowInput,
): Promise<{ status: string }> {
  const { tenantId, taskId } = input;
  await sandboxRuns?.end(taskId);
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'running') throw new TaskNotRunnable(taskId, task.status, 'finalize');
  const summary = task.summary ?? `Done: ${task.title}`;
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
  { store, sandboxRuns }: WorkflowDeps,
  input: WorkflowInput & { error?: CaughtError },
): Promise<{ status: string }> {
  const { tenantId, taskId } = input;
  await sandboxRuns?.end(taskId);
  const task = await store.findTask(tenantId, taskId);
  if (!task) return { status: 'missing' };
  if (isTerminal(task.status)) return { status: task.status };
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
