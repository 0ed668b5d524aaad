import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DELTA_TTL_SECONDS, keys, Store, type TaskDelta, TTL_ATTRIBUTE } from '../store';
import { freshStore } from '../testing/dynamo';
import { DeltaStream } from './delta-stream';

/** A store that records each write and when it landed. */
function recordingStore(fail = false) {
  const writes: { at: number; delta: Omit<TaskDelta, 'id' | 'at'> }[] = [];
  const store: Pick<Store, 'appendDelta'> = {
    appendDelta: async (_tenant, delta) => {
      if (fail) throw new Error('ProvisionedThroughputExceededException');
      writes.push({ at: Date.now(), delta });
      return { ...delta, id: String(writes.length), at: new Date().toISOString() };
    },
  };
  return { store, writes };
}

const target = { tenantId: 'acme', taskId: 'tsk_x', stepId: 's1', employee: 'dev' };

describe('DeltaStream', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces a burst of tokens into one write after the interval, not one per token', async () => {
    vi.useFakeTimers();
    const { store, writes } = recordingStore();
    const stream = new DeltaStream({ store, ...target });
    for (const word of 'the quick brown fox jumps over the lazy dog'.split(' ')) stream.push(`${word} `);
    await vi.advanceTimersByTimeAsync(200);
    expect(writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60);
    expect(writes.map((w) => w.delta.text)).toEqual(['the quick brown fox jumps over the lazy dog ']);
    expect(writes[0]?.delta).toMatchObject({ taskId: 'tsk_x', stepId: 's1', employee: 'dev' });
  });

  it('writes at once when the pending text reaches the size limit, keeping the order', async () => {
    vi.useFakeTimers();
    const { store, writes } = recordingStore();
    const stream = new DeltaStream({ store, ...target, flushChars: 10 });
    stream.push('0123456789abc');
    await vi.advanceTimersByTimeAsync(0);
    expect(writes.map((w) => w.delta.text)).toEqual(['0123456789abc']);
    stream.push('de');
    stream.push('fg');
    await stream.close();
    stream.push('after close');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(writes.map((w) => w.delta.text).join('')).toBe('0123456789abcdefg');
  });

  it('never throws to the model call when the store fails, and reports each dropped piece', async () => {
    const { store } = recordingStore(true);
    const dropped: number[] = [];
    const stream = new DeltaStream({
      store,
      ...target,
      onWriteError: (_e, d) => dropped.push(d.chars),
    });
    expect(() => stream.push('lost words')).not.toThrow();
    await expect(stream.flush()).resolves.toBeUndefined();
    stream.push('more');
    await expect(stream.close()).resolves.toBeUndefined();
    expect(dropped).toEqual([10, 4]);
  });
});

describe('DeltaStream closing on a store that hangs', () => {
  it('returns from close after closeWaitMs instead of holding the turn', async () => {
    let calls = 0;
    const store: Pick<Store, 'appendDelta'> = {
      appendDelta: () => {
        calls += 1;
        return new Promise(() => {});
      },
    };
    const stream = new DeltaStream({ store, ...target, closeWaitMs: 50 });
    stream.push('never lands');
    const started = Date.now();
    await stream.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(calls).toBe(1);
  });
});

describe('delta items in the store', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it('are transient items beside the event log, read after a cursor, and never in the events', async () => {
    const task = await store.createTask('acme', { prompt: 'stream me', preference: 'balanced' });
    const stream = new DeltaStream({
      store,
      tenantId: 'acme',
      taskId: task.id,
      employee: 'dev',
      flushChars: 5,
    });
    for (const piece of ['Hello', ', wor', 'ld!']) {
      stream.push(piece);
      await stream.flush();
    }
    await stream.close();

    const all = await store.listDeltas('acme', task.id);
    expect(all.items.map((d) => d.text)).toEqual(['Hello', ', wor', 'ld!']);
    const after = await store.listDeltas('acme', task.id, { after: all.items[0]!.id });
    expect(after.items.map((d) => d.text)).toEqual([', wor', 'ld!']);

    const events = await store.listEvents('acme', task.id);
    expect(events.items.map((e) => e.type)).toEqual(['task_created']);
    const item = await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: keys.delta('acme', task.id, all.items[0]!.id) }),
    );
    const expiresAt = Number(item.Item?.[TTL_ATTRIBUTE]);
    expect(expiresAt - Date.now() / 1000).toBeGreaterThan(DELTA_TTL_SECONDS - 60);
    expect(expiresAt - Date.now() / 1000).toBeLessThanOrEqual(DELTA_TTL_SECONDS);
    // Another tenant reads nothing of it.
    expect((await store.listDeltas('other', task.id)).items).toEqual([]);
  });

  it('leaves out deltas past their expiry that TTL has not deleted yet', async () => {
    const task = await store.createTask('acme', { prompt: 'old words', preference: 'balanced' });
    const past = { now: () => new Date(Date.now() - (DELTA_TTL_SECONDS + 60) * 1000) };
    const oldStore = new Store(store.doc, store.tableName, past);
    await oldStore.appendDelta('acme', { taskId: task.id, employee: 'dev', text: 'expired' });
    await store.appendDelta('acme', { taskId: task.id, employee: 'dev', text: 'fresh' });
    expect((await store.listDeltas('acme', task.id)).items.map((d) => d.text)).toEqual(['fresh']);
  });
});
