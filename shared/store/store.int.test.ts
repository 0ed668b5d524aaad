import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentUpdate, IllegalTransition, NotFound } from '../errors';
import { freshStore } from '../testing/dynamo';
import type { Store } from './store';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

const newTask = (tenant = 'acme', prompt = 'Write a slugify function with tests') =>
  store.createTask(tenant, { prompt, preference: 'balanced' });

describe('tasks', () => {
  it('creates a queued task with a task_created event', async () => {
    const task = await newTask();
    expect(task.status).toBe('queued');
    expect(task.id).toMatch(/^tsk_/);
    const read = await store.getTask('acme', task.id);
    expect(read).toEqual(task);
    const { items } = await store.listEvents('acme', task.id);
    expect(items.map((e) => e.type)).toEqual(['task_created']);
  });

  it('moves through legal transitions and records each as an event', async () => {
    const task = await newTask();
    await store.transitionTask('acme', task.id, 'planning');
    await store.transitionTask('acme', task.id, 'running', { from: 'planning' });
    const done = await store.transitionTask('acme', task.id, 'succeeded', { summary: 'ok' });
    expect(done.status).toBe('succeeded');
    expect(done.finishedAt).toBeDefined();
    expect(done.summary).toBe('ok');
    const { items } = await store.listEvents('acme', task.id);
    expect(
      items.filter((e) => e.type === 'status_changed').map((e) => (e.type === 'status_changed' ? e.to : '')),
    ).toEqual(['planning', 'running', 'succeeded']);
  });

  it('refuses an illegal transition and changes nothing', async () => {
    const task = await newTask();
    await expect(store.transitionTask('acme', task.id, 'succeeded')).rejects.toBeInstanceOf(
      IllegalTransition,
    );
    expect((await store.getTask('acme', task.id)).status).toBe('queued');
    expect((await store.listEvents('acme', task.id)).items).toHaveLength(1);
  });

  it('refuses a transition written from a stale status', async () => {
    const task = await newTask();
    await store.transitionTask('acme', task.id, 'planning');
    // The caller still believes the task is queued: the conditional write refuses.
    await expect(
      store.transitionTask('acme', task.id, 'cancelled', { from: 'queued' }),
    ).rejects.toBeInstanceOf(ConcurrentUpdate);
    expect((await store.getTask('acme', task.id)).status).toBe('planning');
  });

  it('lets exactly one of many concurrent writers win a race', async () => {
    const task = await newTask();
    await store.transitionTask('acme', task.id, 'planning');
    await store.transitionTask('acme', task.id, 'running');
    const targets = [
      'succeeded',
      'failed',
      'cancelled',
      'succeeded',
      'cancelled',
      'failed',
      'cancelled',
      'succeeded',
    ] as const;
    const outcomes = await Promise.allSettled(
      targets.map((to) => store.transitionTask('acme', task.id, to, { from: 'running' })),
    );
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConcurrentUpdate);
    }
    const final = await store.getTask('acme', task.id);
    const winner = (winners[0] as PromiseFulfilledResult<{ status: string }>).value.status;
    expect(final.status).toBe(winner);
    const changes = (await store.listEvents('acme', task.id)).items.filter(
      (e) => e.type === 'status_changed',
    );
    expect(changes).toHaveLength(3);
  });

  it('answers NotFound for an unknown task', async () => {
    await expect(store.getTask('acme', 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toBeInstanceOf(NotFound);
  });

  it('lists a tenant’s tasks newest first, in pages', async () => {
    const s = await freshStore();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await s.createTask('paged', { prompt: `task ${i}`, preference: 'cheap' })).id);
    const first = await s.listTasks('paged', { limit: 2 });
    expect(first.items.map((t) => t.id)).toEqual([ids[4], ids[3]]);
    const second = await s.listTasks('paged', { limit: 2, cursor: first.next! });
    expect(second.items.map((t) => t.id)).toEqual([ids[2], ids[1]]);
    const third = await s.listTasks('paged', { limit: 2, cursor: second.next! });
    expect(third.items.map((t) => t.id)).toEqual([ids[0]]);
  });

  it('tracks only non-terminal tasks as active', async () => {
    const s = await freshStore();
    const a = await s.createTask('t1', { prompt: 'a', preference: 'cheap' });
    const b = await s.createTask('t2', { prompt: 'b', preference: 'cheap' });
    await s.transitionTask('t2', b.id, 'cancelled');
    const active = await s.listActiveTasks();
    expect(active.map((t) => t.id)).toEqual([a.id]);
  });
});

describe('event log', () => {
  it('pages through events in ULID order with an after cursor', async () => {
    const task = await newTask();
    for (let i = 0; i < 25; i++) {
      await store.appendEvent('acme', task.id, { type: 'error', code: 'Probe', message: `event ${i}` });
    }
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const page = await store.listEvents('acme', task.id, { limit: 7, ...(after ? { after } : {}) });
      seen.push(...page.items.map((e) => e.id));
      pages++;
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toHaveLength(26);
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(26);
    expect(pages).toBeGreaterThanOrEqual(4);
    // A cursor at the last event returns nothing new.
    expect((await store.listEvents('acme', task.id, { after: seen.at(-1)! })).items).toEqual([]);
  });
});

describe('a task run', () => {
  it('reads the task, its plan and its step results together, as reading them apart does', async () => {
    const task = await newTask();
    const plan = {
      summary: 'two steps',
      steps: [
        { id: 'a', employee: 'researcher', title: 'A', instructions: 'do a', dependsOn: [], acceptance: '' },
        { id: 'b', employee: 'dev', title: 'B', instructions: 'do b', dependsOn: ['a'], acceptance: '' },
      ],
    };
    expect(await store.getTaskRun('acme', task.id)).toEqual({ task, results: [] });
    await store.savePlan('acme', task.id, plan);
    await store.approvePlan('acme', task.id);
    await store.saveStepResult('acme', task.id, { stepId: 'a', status: 'succeeded', output: 'found it' });
    // Items that sort outside PLAN..TASK in the same partition stay out.
    await store.appendEvent('acme', task.id, { type: 'error', code: 'Probe', message: 'not a step' });
    await store.transitionTask('acme', task.id, 'planning');

    const run = await store.getTaskRun('acme', task.id);
    expect(run).toEqual({
      task: await store.getTask('acme', task.id),
      plan: await store.getPlanRecord('acme', task.id),
      results: await store.listStepResults('acme', task.id),
    });
    expect(run.plan?.approvedAt).toBeDefined();
    expect(run.results.map((r) => r.stepId)).toEqual(['a']);
  });

  it('reads every step result when they fill more than one 1 MB page', async () => {
    const task = await newTask();
    const output = 'x'.repeat(300_000);
    for (const id of ['s1', 's2', 's3', 's4', 's5']) {
      await store.saveStepResult('acme', task.id, { stepId: id, status: 'succeeded', output });
    }
    const run = await store.getTaskRun('acme', task.id);
    expect(run.results.map((r) => r.stepId)).toEqual(['s1', 's2', 's3', 's4', 's5']);
    expect(run.task.id).toBe(task.id);
  });

  it('answers NotFound for an unknown task', async () => {
    await expect(store.getTaskRun('acme', 'tsk_01JZZZZZZZZZZZZZZZZZZZZZZZ')).rejects.toBeInstanceOf(NotFound);
  });
});

describe('tenancy', () => {
  it('prefixes every key with the tenant and keeps tenants apart', async () => {
    const s = await freshStore();
    const mine = await s.createTask('alpha', { prompt: 'alpha work', preference: 'cheap' });
    await s.createTask('beta', { prompt: 'beta work', preference: 'cheap' });
    await s.putTenant({ id: 'alpha', name: 'Alpha', plan: 'free' });
    await s.recordUsage({
      tenantId: 'alpha',
      taskId: mine.id,
      employeeId: 'dev',
      provider: 'demo',
      model: 'demo-1',
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: 0,
      costMicroUsd: 0,
      latencyMs: 1,
      attempts: 1,
      outcome: 'ok',
    });
    const scan = await s.doc.send(new ScanCommand({ TableName: s.tableName }));
    for (const item of scan.Items ?? []) {
      expect(String(item['PK'])).toMatch(/^T#(alpha|beta)(#|$)/);
      if (item['GSI1PK']) expect(String(item['GSI1PK'])).toMatch(/^T#(alpha|beta)#/);
      if (item['GSI2SK']) expect(String(item['GSI2SK'])).toMatch(/^T#(alpha|beta)#/);
    }
    await expect(s.getTask('beta', mine.id)).rejects.toBeInstanceOf(NotFound);
    expect((await s.listEvents('beta', mine.id)).items).toEqual([]);
    expect((await s.listTasks('beta')).items.map((t) => t.prompt)).toEqual(['beta work']);
  });

  it('keeps task totals equal to the usage records', async () => {
    const task = await newTask();
    for (const n of [100, 250, 7]) {
      await store.recordUsage({
        tenantId: 'acme',
        taskId: task.id,
        employeeId: 'dev',
        provider: 'demo',
        model: 'demo-1',
        inputTokens: n,
        outputTokens: n * 2,
        cachedInputTokens: 1,
        costMicroUsd: n * 3,
        latencyMs: 2,
        attempts: 1,
        outcome: 'ok',
      });
    }
    const t = await store.getTask('acme', task.id);
    expect(t.totals).toEqual({
      inputTokens: 357,
      outputTokens: 714,
      cachedInputTokens: 3,
      costMicroUsd: 1071,
    });
    expect(await store.listUsage('acme', task.id)).toHaveLength(3);
  });
});
