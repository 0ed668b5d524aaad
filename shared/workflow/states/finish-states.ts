import { employeeOf } from '../../agents';
import { isTerminal, modelChoice } from '../../domain';
import { ConcurrentUpdate } from '../../errors';
import { rememberTask } from '../../memory/task-memory';
import type { WorkflowInput } from '../definition';
import type { WorkflowDeps } from '../deps';
import { TaskNotRunnable } from '../errors';
import { synthesisSystem } from './super-agent-prompts';
import { taskEvidence } from './task-evidence';

/**
 * Synthesize: the Super Agent writes the task's summary, with its own system prompt, from the
 * evidence (steps and outcomes, files and sizes, the diff, the last sandbox runs), not from
 * the steps' own claims alone.
 */
export async function synthesize(deps: WorkflowDeps, input: WorkflowInput): Promise<{ done: true }> {
  const { store, models } = deps;
  const { tenantId, taskId } = input;
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'running') throw new TaskNotRunnable(taskId, task.status, 'synthesize');
  const plan = await store.getPlan(tenantId, taskId);
  const profile = await employeeOf(store, tenantId, 'super-agent', deps.builtInEmployees);
  const evidence = await taskEvidence(deps, task, plan);
  const answer = await models.complete({
    profile,
    preference: task.preference,
    ...modelChoice(task, profile.id),
    system: synthesisSystem(profile),
    messages: [{ role: 'user', content: `## The task\n${task.prompt}\n\n${evidence}` }],
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

/** FinalizeTask: every step is done; the task succeeds with its summary. */
export async function finalizeTask(deps: WorkflowDeps, input: WorkflowInput): Promise<{ status: string }> {
  const { store, sandboxRunners } = deps;
  const { tenantId, taskId } = input;
  await sandboxRunners?.end(taskId);
  const task = await store.getTask(tenantId, taskId);
  if (task.status !== 'running') throw new TaskNotRunnable(taskId, task.status, 'finalize');
  const summary = task.summary ?? `Done: ${task.title}`;
  // One write: a crash can never leave a succeeded task without its task_finished.
  await store.transitionTask(tenantId, taskId, 'succeeded', {
    from: 'running',
    summary,
    events: [{ type: 'task_finished', status: 'succeeded', summary }],
  });
  await remember(deps, tenantId, taskId);
  return { status: 'succeeded' };
}

/** Writes the ended task's memory (what was asked, built, failed; QA's findings; the files); best effort, never failing the task. */
async function remember(
  { memory, store, workspaceFor }: WorkflowDeps,
  tenantId: string,
  taskId: string,
): Promise<void> {
  if (!memory) return;
  const files = await workspaceFor(tenantId, taskId)
    .files()
    .then((f) => Object.keys(f))
    .catch(() => []);
  await rememberTask(memory, store, tenantId, taskId, files);
}

/** How Step Functions hands a caught error to the next state. */
export interface CaughtError {
  Error?: string;
  Cause?: string;
}

/** The message of a caught error: Lambda's JSON cause, or the cause as it is. */
export function causeMessage(error: CaughtError): string {
  const cause = error.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; message?: string };
    return parsed.errorMessage ?? parsed.message ?? cause;
  } catch {
    return cause || 'no cause given';
  }
}

/** MarkTaskFailed: records why the run failed. A task already ended (e.g. cancelled) is left as it is. */
export async function markTaskFailed(
  deps: WorkflowDeps,
  input: WorkflowInput & { error?: CaughtError },
): Promise<{ status: string }> {
  const { store, sandboxRunners } = deps;
  const { tenantId, taskId } = input;
  await sandboxRunners?.end(taskId);
  const task = await store.findTask(tenantId, taskId);
  if (!task) return { status: 'missing' };
  if (isTerminal(task.status)) return { status: task.status };
  const failure = { code: input.error?.Error ?? 'Unknown', message: causeMessage(input.error ?? {}) };
  try {
    // One write: the status, why (the error event) and task_finished land together or not at all.
    await store.transitionTask(tenantId, taskId, 'failed', {
      from: task.status,
      failure,
      reason: failure.message,
      events: [
        { type: 'error', code: failure.code, message: failure.message },
        { type: 'task_finished', status: 'failed', summary: failure.message },
      ],
    });
  } catch (e) {
    // Someone else ended it first (a cancel racing the failure): their status stands.
    if (e instanceof ConcurrentUpdate) return { status: (await store.getTask(tenantId, taskId)).status };
    throw e;
  }
  await remember(deps, tenantId, taskId);
  return { status: 'failed' };
}
