import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { RateLimited } from '../identity/errors';
import type { Store } from '../store';
import { keys } from '../store/keys';
import { freshStore } from '../testing/dynamo';
import type { WorkflowEngine } from './engines/engine';
import { reconcileExecution } from './reconcile';
import { markTaskFailed } from './states/finish-states';
import { cancelTask, type LifecycleDeps, resumeTask, submitTask } from './task-lifecycle';

const workflow: WorkflowEngine = {
  kind: 'local',
  start: async () => ({ executionId: 'exec-1' }),
  resume: async () => ({ executionId: 'exec-2' }),
  stop: async () => undefined,
  sendTaskSuccess: async () => undefined,
};

let store: Store;
let deps: LifecycleDeps;
beforeEach(async () => {
  store = await freshStore();
  deps = { store, workflow };
});

const create = (cap: number, n = 0) =>
  submitTask(
    deps,
    'acme',
    { prompt: `Write function number ${n}`, preference: 'balanced' },
    { runningTaskCap: cap },
  );

/** N creates at once: what was admitted, and what was refused. */
async function burst(n: number, cap: number) {
  const outcomes = await Promise.allSettled(Array.from({ length: n }, (_, i) => create(cap, i)));
  return {
    admitted: outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : [])),
    refused: outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : [])),
  };
}

const counted = async (): Promise<number> =>
  (
    await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: keys.runningTasks('acme'), ConsistentRead: true }),
    )
  ).Item?.['running'] ?? 0;

describe('the running-task cap', () => {
  it('admits exactly the cap of many concurrent creates and refuses the rest with a 429 naming the limit', async () => {
    const { admitted, refused } = await burst(12, 3);
    expect(admitted).toHaveLength(3);
    expect(refused).toHaveLength(9);
    for (const e of refused) {
      expect(e).toBeInstanceOf(RateLimited);
      expect((e as RateLimited).status).toBe(429);
      expect((e as RateLimited).toJSON()).toMatchObject({
        error: { code: 'RateLimited', details: { limit: 'running_tasks', allowed: 3 } },
      });
    }
    expect((await store.listTasks('acme', { limit: 50 })).items).toHaveLength(3);
    expect(await counted()).toBe(3);
  });

  it('frees a place exactly once however a task ends: cancel, failure, the execution reconciler, racing endings', async () => {
    const { admitted } = await burst(4, 4);
    const [cancelled, failed, lost, raced] = admitted.map((t) => t.id) as [string, string, string, string];
    await cancelTask(deps, 'acme', cancelled);
    await store.transitionTask('acme', failed, 'planning');
    await markTaskFailed({ store } as never, {
      tenantId: 'acme',
      taskId: failed,
      error: { Error: 'X', Cause: 'boom' },
    });
    await reconcileExecution(
      { store },
      { tenantId: 'acme', taskId: lost, status: 'FAILED', error: 'States.Runtime' },
    );
    // A cancel and the reconciler end the same task at once: one wins, the place is freed once.
    await Promise.allSettled([
      cancelTask(deps, 'acme', raced),
      reconcileExecution({ store }, { tenantId: 'acme', taskId: raced, status: 'ABORTED' }),
    ]);
    // Ending an ended task again changes nothing.
    await reconcileExecution({ store }, { tenantId: 'acme', taskId: lost, status: 'FAILED' });
    await expect(cancelTask(deps, 'acme', cancelled)).rejects.toThrow();
    expect(await counted()).toBe(0);
    const again = await burst(6, 4);
    expect(again.admitted).toHaveLength(4);
    expect(again.refused).toHaveLength(2);
  });

  it('counts a resumed task again', async () => {
    const { admitted } = await burst(1, 1);
    const id = admitted[0]!.id;
    await reconcileExecution({ store }, { tenantId: 'acme', taskId: id, status: 'FAILED' });
    expect(await counted()).toBe(0);
    await resumeTask(deps, 'acme', id, {});
    expect(await counted()).toBe(1);
    await expect(create(1)).rejects.toBeInstanceOf(RateLimited);
  });

  it('never frees a place a task from before the counter did not take, so no tenant gets past its cap', async () => {
    // Two tasks written by an older deploy: running, but never counted (no counter flag on the item).
    const { admitted } = await burst(2, 5);
    for (const t of admitted) {
      await store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: keys.task('acme', t.id),
          UpdateExpression: 'REMOVE runningCounted',
        }),
      );
    }
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: keys.runningTasks('acme'),
        UpdateExpression: 'SET #running = :zero',
        ExpressionAttributeNames: { '#running': 'running' },
        ExpressionAttributeValues: { ':zero': 0 },
      }),
    );
    const [old1, old2] = admitted.map((t) => t.id) as [string, string];
    await cancelTask(deps, 'acme', old1);
    await reconcileExecution({ store }, { tenantId: 'acme', taskId: old2, status: 'FAILED' });
    expect((await store.getTask('acme', old1)).status).toBe('cancelled');
    expect((await store.getTask('acme', old2)).status).toBe('failed');
    // Their endings took nothing away: the counter never went below zero.
    expect(await counted()).toBe(0);
    const { admitted: fresh, refused } = await burst(4, 2);
    expect(fresh).toHaveLength(2);
    expect(refused).toHaveLength(2);
    // Resumed, an old task is counted like any other, and its next ending frees its place.
    await resumeTask(deps, 'acme', old2, {});
    expect(await counted()).toBe(3);
    await reconcileExecution({ store }, { tenantId: 'acme', taskId: old2, status: 'FAILED' });
    expect(await counted()).toBe(2);
  });
});
