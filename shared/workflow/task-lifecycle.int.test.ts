import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { Plan, TaskEvent } from '../domain';
import { createDocumentClient, MAX_PLAN_BYTES, Store } from '../store';
import { freshStore } from '../testing/dynamo';
import type { WorkflowDeps } from './deps';
import type { WorkflowEngine } from './engines/engine';
import { finalizeTask, markTaskFailed } from './states/finish-states';
import {
  approveTask,
  cancelTask,
  type LifecycleDeps,
  rejectTask,
  resumeTask,
  submitTask,
} from './task-lifecycle';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

/** The Step Functions side, recorded: what the lifecycle told the run. */
function recordedWorkflow(start?: () => Promise<{ executionId: string }>) {
  const sent: { token: string; output: unknown }[] = [];
  const workflow: WorkflowEngine = {
    kind: 'local',
    start: start ?? (async () => ({ executionId: 'exec-1' })),
    resume: async () => ({ executionId: 'exec-2' }),
    stop: async () => undefined,
    sendTaskSuccess: async (token, output) => void sent.push({ token, output }),
  };
  return { workflow, sent };
}

/**
 * The same table through a client whose writes matching `dies` never happen: the process
 * died as it sent them (or DynamoDB refused them).
 */
function storeDyingAt(dies: (input: string) => boolean): Store {
  const doc = createDocumentClient({ endpoint: inject('dynamoEndpoint') });
  const send = doc.send.bind(doc);
  doc.send = ((command: { input: unknown }, ...rest: never[]) =>
    dies(JSON.stringify(command.input))
      ? Promise.reject(new Error('injected: the process died before this write'))
      : send(command as never, ...rest)) as typeof doc.send;
  return new Store(doc, store.tableName);
}
const carriesTaskFinished = (input: string) => input.includes('"task_finished"');

const events = async (taskId: string): Promise<TaskEvent[]> => (await store.listEvents('acme', taskId)).items;
const types = async (taskId: string) => (await events(taskId)).map((e) => e.type);

const PLAN: Plan = {
  summary: 'one step',
  steps: [
    {
      id: 'build',
      employee: 'dev',
      title: 'Build it',
      instructions: 'Write it.',
      dependsOn: [],
      acceptance: '',
    },
  ],
};

async function awaitingApproval() {
  const task = await store.createTask('acme', {
    prompt: 'Write a CSV parser',
    preference: 'balanced',
    requireApproval: true,
  });
  await store.savePlan('acme', task.id, PLAN);
  await store.transitionTask('acme', task.id, 'planning');
  await store.transitionTask('acme', task.id, 'awaiting_approval', { from: 'planning' });
  await store.saveApprovalRequest('acme', task.id, { token: `token-${task.id}`, estimateMicroUsd: 0 });
  return task;
}

async function running() {
  const task = await store.createTask('acme', { prompt: 'Write a CSV parser', preference: 'balanced' });
  await store.transitionTask('acme', task.id, 'planning');
  await store.transitionTask('acme', task.id, 'running', { from: 'planning' });
  return task;
}

/** A task has ended exactly when its task_finished is recorded, once. */
async function expectEndedConsistently(taskId: string) {
  const status = (await store.getTask('acme', taskId)).status;
  const finished = (await events(taskId)).filter((e) => e.type === 'task_finished');
  const ended = ['succeeded', 'failed', 'cancelled'].includes(status);
  expect({ status, taskFinished: finished.length }).toEqual({ status, taskFinished: ended ? 1 : 0 });
}

describe('approving a plan', () => {
  it('refuses an edited plan too large to store with a 400 naming the field and the limit, and stays approvable', async () => {
    const task = await awaitingApproval();
    const { workflow, sent } = recordedWorkflow();
    const deps: LifecycleDeps = { store, workflow };
    const huge: Plan = {
      ...PLAN,
      steps: [{ ...PLAN.steps[0]!, instructions: 'x'.repeat(MAX_PLAN_BYTES + 1) }],
    };
    const refused = await approveTask(deps, 'acme', task.id, { plan: huge }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'InvalidInput', status: 400 });
    expect(refused.issues).toEqual([
      { path: 'plan', message: expect.stringContaining(`at most ${MAX_PLAN_BYTES}`) },
    ]);
    expect(sent).toEqual([]);

    const approved = await approveTask(deps, 'acme', task.id, { plan: { ...PLAN, summary: 'smaller' } });
    expect(approved.status).toBe('awaiting_approval'); // the run moves it on once resumed
    expect(sent).toEqual([{ token: `token-${task.id}`, output: { decision: 'approved' } }]);
    expect((await store.getPlanRecord('acme', task.id))?.plan.summary).toBe('smaller');
    expect((await types(task.id)).filter((t) => t === 'approval_decided')).toHaveLength(1);
  });

  it('leaves the task approvable and rejectable when the approval cannot be written', async () => {
    const task = await awaitingApproval();
    const { workflow, sent } = recordedWorkflow();
    const dying = storeDyingAt((input) => input.includes('"SK":"PLAN"'));
    await expect(
      approveTask({ store: dying, workflow }, 'acme', task.id, { plan: { ...PLAN, summary: 'edited' } }),
    ).rejects.toThrow(/injected/);
    expect(await store.getPlanRecord('acme', task.id)).toEqual({ plan: PLAN });
    expect(await types(task.id)).not.toContain('approval_decided');

    const rejected = await rejectTask({ store, workflow }, 'acme', task.id, { note: 'not now' });
    expect(rejected.status).toBe('cancelled');
    expect(sent).toEqual([{ token: `token-${task.id}`, output: { decision: 'rejected' } }]);
  });

  it('writes the approval with its event and step count together', async () => {
    const task = await awaitingApproval();
    const { workflow } = recordedWorkflow();
    const twoSteps: Plan = {
      ...PLAN,
      steps: [...PLAN.steps, { ...PLAN.steps[0]!, id: 'test', dependsOn: ['build'] }],
    };
    await approveTask({ store, workflow }, 'acme', task.id, { plan: twoSteps, note: 'add tests' });
    expect((await store.getTask('acme', task.id)).stepCount).toBe(2);
    expect((await store.getPlanRecord('acme', task.id))?.approvedAt).toBeDefined();
    expect((await events(task.id)).at(-1)).toMatchObject({
      type: 'approval_decided',
      decision: 'approved',
      edited: true,
      note: 'add tests',
    });
    // Decided once: a second approval is a conflict, not a second decision.
    await expect(approveTask({ store, workflow }, 'acme', task.id, {})).rejects.toMatchObject({
      code: 'ConcurrentUpdate',
    });
  });
});

describe('a status change and its events are one write', () => {
  it('rejecting: a failed write leaves the plan awaiting a decision, not a cancelled task without its end', async () => {
    const task = await awaitingApproval();
    const { workflow } = recordedWorkflow();
    await expect(
      rejectTask({ store: storeDyingAt(carriesTaskFinished), workflow }, 'acme', task.id, {}),
    ).rejects.toThrow(/injected/);
    await expectEndedConsistently(task.id);
    expect((await store.getTask('acme', task.id)).status).toBe('awaiting_approval');
    await approveTask({ store, workflow }, 'acme', task.id, {});
  });

  it('rejecting records the decision and the end with the status', async () => {
    const task = await awaitingApproval();
    await rejectTask({ store, workflow: recordedWorkflow().workflow }, 'acme', task.id, {
      note: 'too costly',
    });
    expect((await types(task.id)).slice(-3)).toEqual(['status_changed', 'approval_decided', 'task_finished']);
    await expectEndedConsistently(task.id);
  });

  it('cancelling: never a cancelled task without task_finished', async () => {
    const task = await running();
    const { workflow } = recordedWorkflow();
    await expect(
      cancelTask({ store: storeDyingAt(carriesTaskFinished), workflow }, 'acme', task.id),
    ).rejects.toThrow(/injected/);
    await expectEndedConsistently(task.id);
    await cancelTask({ store, workflow }, 'acme', task.id);
    await expectEndedConsistently(task.id);
  });

  it('finalizing: a crash at the end leaves the task running, and finalizing again succeeds once', async () => {
    const task = await running();
    const dying = { store: storeDyingAt(carriesTaskFinished) } as WorkflowDeps;
    await expect(finalizeTask(dying, { tenantId: 'acme', taskId: task.id })).rejects.toThrow(/injected/);
    await expectEndedConsistently(task.id);
    expect((await store.getTask('acme', task.id)).status).toBe('running');
    await finalizeTask({ store } as WorkflowDeps, { tenantId: 'acme', taskId: task.id });
    await expectEndedConsistently(task.id);
    expect((await events(task.id)).at(-1)).toMatchObject({ type: 'task_finished', status: 'succeeded' });
  });

  it('marking failed: the status, the error and task_finished land together', async () => {
    const task = await running();
    const input = {
      tenantId: 'acme',
      taskId: task.id,
      error: { Error: 'StepRejected', Cause: 'QA said no' },
    };
    const dying = { store: storeDyingAt(carriesTaskFinished) } as WorkflowDeps;
    await expect(markTaskFailed(dying, input)).rejects.toThrow(/injected/);
    await expectEndedConsistently(task.id);
    expect(await types(task.id)).not.toContain('error');
    expect(await markTaskFailed({ store } as WorkflowDeps, input)).toEqual({ status: 'failed' });
    await expectEndedConsistently(task.id);
    expect((await types(task.id)).slice(-3)).toEqual(['status_changed', 'error', 'task_finished']);
  });

  it('a run that cannot start fails its task with task_finished, so a follower sees the end', async () => {
    const { workflow } = recordedWorkflow(async () => {
      throw new Error('no state machine here');
    });
    await expect(
      submitTask({ store, workflow }, 'acme', { prompt: 'Write a CSV parser', preference: 'balanced' }),
    ).rejects.toMatchObject({ code: 'WorkflowStartFailed' });
    const [task] = (await store.listTasks('acme', { limit: 1 })).items;
    expect(task?.status).toBe('failed');
    await expectEndedConsistently(task!.id);
  });
});

describe('resuming with a larger budget', () => {
  async function failedWithBudget(budgetUsd: number) {
    const task = await store.createTask('acme', {
      prompt: 'Write a CSV parser',
      preference: 'balanced',
      budgetUsd,
    });
    await store.transitionTask('acme', task.id, 'planning');
    await store.transitionTask('acme', task.id, 'failed', { from: 'planning', reason: 'BudgetExceeded' });
    return task;
  }

  it('raises the budget, then starts the run again', async () => {
    const task = await failedWithBudget(1);
    const { workflow } = recordedWorkflow();
    const resumed = await resumeTask({ store, workflow } as LifecycleDeps, 'acme', task.id, {
      budgetMicroUsd: 3_000_000,
    });
    expect(resumed.status).toBe('queued');
    expect((await store.getTask('acme', task.id)).budgetMicroUsd).toBe(3_000_000);
  });

  it('refuses a task that is not failed, naming the id, and leaves its budget as it was', async () => {
    const task = await store.createTask('acme', {
      prompt: 'Write a CSV parser',
      preference: 'balanced',
      budgetUsd: 1,
    });
    await store.transitionTask('acme', task.id, 'planning');
    const { workflow } = recordedWorkflow();
    await expect(
      resumeTask({ store, workflow } as LifecycleDeps, 'acme', task.id, { budgetMicroUsd: 9_000_000 }),
    ).rejects.toMatchObject({ code: 'InvalidInput', details: { issues: [{ path: 'id' }] } });
    expect((await store.getTask('acme', task.id)).budgetMicroUsd).toBe(1_000_000);
  });
});
