import { beforeAll, describe, expect, it } from 'vitest';
import { freshStore } from '../testing/dynamo';
import { TaskLogClosed } from './event-log';
import type { Store } from './store';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

async function finishedTask() {
  const task = await store.createTask('acme', { prompt: 'Write a slugify function', preference: 'cheap' });
  await store.transitionTask('acme', task.id, 'cancelled', { reason: 'cancelled by request' });
  await store.appendEvent('acme', task.id, { type: 'task_finished', status: 'cancelled' });
  return task;
}

const typesOf = async (taskId: string) =>
  (await store.listEvents('acme', taskId, { limit: 100 })).items.map((e) => e.type);

describe('the event log closes with task_finished', () => {
  it('refuses an event written after task_finished, and records nothing', async () => {
    const task = await finishedTask();
    const late = store.appendEvent('acme', task.id, {
      type: 'tool_result',
      employee: 'dev',
      callId: 'c1',
      tool: 'sandbox.test',
      ok: false,
      output: 'killed',
    });
    await expect(late).rejects.toBeInstanceOf(TaskLogClosed);
    expect((await typesOf(task.id)).at(-1)).toBe('task_finished');
  });

  it('writes task_finished once: a second one (a cancel racing a reconcile) is refused', async () => {
    const task = await finishedTask();
    await expect(
      store.appendEvent('acme', task.id, { type: 'task_finished', status: 'failed', summary: 'late' }),
    ).rejects.toBeInstanceOf(TaskLogClosed);
    expect((await typesOf(task.id)).filter((t) => t === 'task_finished')).toHaveLength(1);
  });

  it('of concurrent late writers and finishers, exactly one task_finished lands and nothing follows it', async () => {
    const task = await store.createTask('acme', { prompt: 'Write a slugify function', preference: 'cheap' });
    const writes = await Promise.allSettled([
      store.appendEvent('acme', task.id, { type: 'task_finished', status: 'cancelled' }),
      store.appendEvent('acme', task.id, { type: 'task_finished', status: 'failed', summary: 'x' }),
      ...Array.from({ length: 4 }, () =>
        store.appendEvent('acme', task.id, { type: 'note_added', text: 'hi' }),
      ),
    ]);
    const types = await typesOf(task.id);
    expect(types.filter((t) => t === 'task_finished')).toHaveLength(1);
    expect(writes.filter((w) => w.status === 'fulfilled')).toHaveLength(types.length - 1);
    const refused = writes.flatMap((w) => (w.status === 'rejected' ? [w.reason] : []));
    expect(refused.every((r) => r instanceof TaskLogClosed)).toBe(true);
  });

  it('opens again when a finished task is resumed', async () => {
    const task = await store.createTask('acme', { prompt: 'Write a slugify function', preference: 'cheap' });
    await store.transitionTask('acme', task.id, 'failed', { reason: 'boom' });
    await store.appendEvent('acme', task.id, { type: 'task_finished', status: 'failed', summary: 'boom' });
    await store.transitionTask('acme', task.id, 'queued', { from: 'failed', reason: 'resumed' });
    await store.appendEvent('acme', task.id, { type: 'note_added', text: 'again' });
    expect((await typesOf(task.id)).slice(-2)).toEqual(['status_changed', 'note_added']);
  });
});
