import type { SandboxRunners } from '@techteam/shared/agents';
import { actingTenant, type Deps, useDeps } from '@techteam/shared/deps';
import type { Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handler } from './reconcile-execution';

/** EventBridge's event for an execution that ended, in the shape AWS documents (cw-events.html). */
function statusChange(status: string, input: unknown, error?: string, cause?: string) {
  const arn = 'arn:aws:states:us-east-1:123456789012:execution:TaskStateMachine:tsk-1';
  return {
    version: '0',
    id: '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: '2026-12-02T01:42:21Z',
    region: 'us-east-1',
    resources: [arn],
    detail: {
      executionArn: arn,
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:TaskStateMachine',
      name: 'tsk-1',
      status,
      startDate: 1_764_639_000_000,
      stopDate: 1_764_639_060_000,
      input: JSON.stringify(input),
      inputDetails: { included: true },
      output: null,
      outputDetails: null,
      ...(error ? { error } : {}),
      ...(cause ? { cause } : {}),
    },
  };
}

let store: Store;
const ended: string[] = [];
/** The tenant each ending of a run acted for. */
const endedActingFor: (string | undefined)[] = [];
const runs: SandboxRunners = {
  start: async () => undefined,
  end: async (runId) => {
    ended.push(runId);
    endedActingFor.push(actingTenant());
  },
};

beforeAll(async () => {
  store = await freshStore();
  useDeps({ store, sandboxRunners: runs } as unknown as Deps);
});
afterAll(() => useDeps(undefined));

const types = async (taskId: string) =>
  (await store.listEvents('acme', taskId, { limit: 100 })).items.map((e) => e.type);

describe('ReconcileExecution (EventBridge → Lambda)', () => {
  it('marks a task its failed execution left running as failed, with the reason, once, and ends its sandbox run', async () => {
    const task = await store.createTask('acme', { prompt: 'Write a slugify function', preference: 'cheap' });
    await store.transitionTask('acme', task.id, 'planning');
    await store.transitionTask('acme', task.id, 'running', { from: 'planning' });
    const event = statusChange(
      'FAILED',
      { tenantId: 'acme', taskId: task.id },
      'States.DataLimitExceeded',
      'The state/task returned a result with a size exceeding the maximum number of bytes service limit.',
    );
    expect(await handler(event)).toEqual({ status: 'failed', reconciled: true });
    // EventBridge delivers at least once: the second delivery changes nothing.
    expect(await handler(event)).toEqual({ status: 'failed', reconciled: false });
    const now = await store.getTask('acme', task.id);
    expect(now.status).toBe('failed');
    expect(now.failure?.code).toBe('States.DataLimitExceeded');
    expect(now.failure?.message).toMatch(
      /execution failed outside any step's error handling.*size exceeding/,
    );
    expect(now.failure?.message).toMatch(/can be resumed/);
    const log = await types(task.id);
    expect(log.filter((t) => t === 'task_finished')).toHaveLength(1);
    expect(log.at(-1)).toBe('task_finished');
    expect(ended.filter((id) => id === task.id).length).toBeGreaterThanOrEqual(1);
  });

  it('leaves a cancelled task cancelled when its stopped execution reports ABORTED, and writes nothing', async () => {
    const task = await store.createTask('acme', { prompt: 'Write a slugify function', preference: 'cheap' });
    await store.transitionTask('acme', task.id, 'cancelled', { reason: 'cancelled by request' });
    await store.appendEvent('acme', task.id, { type: 'task_finished', status: 'cancelled' });
    const before = await types(task.id);
    expect(await handler(statusChange('ABORTED', { tenantId: 'acme', taskId: task.id }))).toEqual({
      status: 'cancelled',
      reconciled: false,
    });
    expect(await types(task.id)).toEqual(before);
    expect(ended).toContain(task.id);
  });

  it('marks a timed-out execution’s task failed, saying it timed out', async () => {
    const task = await store.createTask('acme', { prompt: 'Write a slugify function', preference: 'cheap' });
    await handler(statusChange('TIMED_OUT', { tenantId: 'acme', taskId: task.id }));
    const now = await store.getTask('acme', task.id);
    expect(now.status).toBe('failed');
    expect(now.failure).toMatchObject({ code: 'ExecutionTIMED_OUT' });
    expect(now.failure?.message).toMatch(/timed out/);
  });

  it('refuses an event whose input names no task, saying so', async () => {
    await expect(handler(statusChange('FAILED', { hello: 'world' }))).rejects.toMatchObject({
      code: 'ExecutionInputUnreadable',
    });
    await expect(handler({ ...statusChange('FAILED', {}), source: 'aws.ec2' })).rejects.toMatchObject({
      code: 'InvalidInput',
    });
  });

  it("acts as the tenant its execution's input names: every store request and the sandbox run's ending", async () => {
    const task = await store.createTask('acme', { prompt: 'Write a slugify function', preference: 'cheap' });
    await store.transitionTask('acme', task.id, 'planning');
    const actingFor: (string | undefined)[] = [];
    const send = store.doc.send.bind(store.doc);
    const spy = vi.spyOn(store.doc, 'send').mockImplementation(((...args: Parameters<typeof send>) => {
      actingFor.push(actingTenant());
      return send(...args);
    }) as typeof store.doc.send);
    endedActingFor.length = 0;
    try {
      expect(await handler(statusChange('FAILED', { tenantId: 'acme', taskId: task.id }))).toEqual({
        status: 'failed',
        reconciled: true,
      });
    } finally {
      spy.mockRestore();
    }
    // Read, marked failed, task_finished: each as acme (so on AWS signed with acme's session).
    expect(actingFor.length).toBeGreaterThanOrEqual(3);
    expect(new Set(actingFor)).toEqual(new Set(['acme']));
    expect(endedActingFor).toEqual(['acme']);
    expect(actingTenant()).toBeUndefined();
  });

  it('refuses an input whose tenant id is malformed before anything is read', async () => {
    endedActingFor.length = 0;
    await expect(
      handler(statusChange('FAILED', { tenantId: 'T#globex', taskId: 'tsk_01M8VYF0BAS485GKQNPTJ9545Y' })),
    ).rejects.toMatchObject({ code: 'ExecutionInputUnreadable' });
    expect(endedActingFor).toEqual([]);
  });
});
