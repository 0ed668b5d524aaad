import { FAN_OUT_BATCH_SIZE, FAN_OUT_RETRY_ATTEMPTS } from '@techteam/shared/live';
import { describe, expect, it } from 'vitest';
import { deliverStreamRecords } from './stream-delivery';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('deliverStreamRecords (the fan-out stream mapping, as on AWS)', () => {
  it('hands the records over in order, FAN_OUT_BATCH_SIZE at a time', async () => {
    const batches: number[][] = [];
    await deliverStreamRecords(range(FAN_OUT_BATCH_SIZE * 2 + 3), {
      invoke: async (b) => void batches.push(b),
      deadLetter: () => expect.unreachable('nothing fails'),
    });
    expect(batches.map((b) => b.length)).toEqual([FAN_OUT_BATCH_SIZE, FAN_OUT_BATCH_SIZE, 3]);
    expect(batches.flat()).toEqual(range(FAN_OUT_BATCH_SIZE * 2 + 3));
  });

  it('retries a batch that failed once, so a passing failure loses nothing', async () => {
    const delivered: number[] = [];
    let failures = 1;
    const dead: number[][] = [];
    await deliverStreamRecords(range(4), {
      invoke: async (b) => {
        if (failures-- > 0) throw new Error('a post failed under load');
        delivered.push(...b);
      },
      deadLetter: (b) => void dead.push(b),
      backoffMs: () => 0,
    });
    expect(delivered).toEqual(range(4));
    expect(dead).toEqual([]);
  });

  it('bisects a batch with a poison record: the others get through in order, the poison one is dead-lettered after the last retry', async () => {
    const delivered: number[] = [];
    const dead: { batch: number[]; error: string }[] = [];
    let invocations = 0;
    await deliverStreamRecords(range(8), {
      batchSize: 8,
      invoke: async (b) => {
        invocations++;
        if (b.includes(5)) throw new Error('record 5 cannot be sent');
        delivered.push(...b);
      },
      deadLetter: (batch, error) => void dead.push({ batch, error: (error as Error).message }),
      backoffMs: () => 0,
    });
    expect(delivered).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(dead).toEqual([{ batch: [5], error: 'record 5 cannot be sent' }]);
    // 8 → 4+4 → 2+2 → 1+1: the poison half alone is tried once and retried to the last attempt.
    expect(invocations).toBeLessThanOrEqual(1 + 2 * FAN_OUT_RETRY_ATTEMPTS + 2);
  });
});
