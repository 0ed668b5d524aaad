import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshStore } from '../testing/dynamo';
import { CHECKPOINT_PART_BYTES } from './checkpoints';
import type { Store } from './store';

describe('step checkpoints in the store', () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it('keeps a checkpoint far over the 400 KB item limit in parts, and reads it back whole', async () => {
    // Random text does not compress: ~1.4 MB of gzip, so several part items.
    const big = { log: Array.from({ length: 20 }, () => randomBytes(50_000).toString('base64')) };
    const ref = await store.checkpoints.save('t1', 'tsk_big', 'implement#DevAttempt#1', big);
    expect(ref.parts).toBeGreaterThan(2);
    expect(ref.bytes).toBeGreaterThan(2 * CHECKPOINT_PART_BYTES);
    expect(await store.checkpoints.load('t1', 'tsk_big', 'implement#DevAttempt#1')).toEqual(big);
  });

  it('replaces the previous version on save, leaves its neighbours alone, and deletes every part', async () => {
    const cps = store.checkpoints;
    await cps.save('t1', 'tsk_2', 'a#DevAttempt#1', { n: 1 });
    await cps.save('t1', 'tsk_2', 'a#DevAttempt#1', { n: 2 });
    await cps.save('t1', 'tsk_2', 'a#DevAttempt#10', { n: 10 });
    expect(await cps.load('t1', 'tsk_2', 'a#DevAttempt#1')).toEqual({ n: 2 });
    expect(await cps.countParts('t1', 'tsk_2')).toBe(2);
    await cps.delete('t1', 'tsk_2', 'a#DevAttempt#1');
    expect(await cps.load('t1', 'tsk_2', 'a#DevAttempt#1')).toBeUndefined();
    expect(await cps.load('t1', 'tsk_2', 'a#DevAttempt#10')).toEqual({ n: 10 });
    expect(await cps.countParts('t1', 'tsk_2')).toBe(1);
    // Another tenant's task of the same id sees nothing.
    expect(await cps.load('t2', 'tsk_2', 'a#DevAttempt#10')).toBeUndefined();
  });
});
