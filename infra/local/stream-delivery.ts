import { FAN_OUT_BATCH_SIZE, FAN_OUT_RETRY_ATTEMPTS } from '@techteam/shared/live';

export interface StreamDelivery<R> {
  /** The handler, as the event source mapping invokes it with one batch. */
  invoke: (records: R[]) => Promise<void>;
  /** Records that failed every retry: on AWS, the mapping's dead-letter queue. */
  deadLetter: (records: R[], error: unknown) => void;
  /** Pause before retry `attempt` (1-based); the mapping backs off too. */
  backoffMs?: (attempt: number) => number;
  batchSize?: number;
  retryAttempts?: number;
}

/**
 * Delivers a page of stream records the way the fan-out's event source mapping does on AWS
 * (shared/live/stream-mapping.ts): in order, FAN_OUT_BATCH_SIZE at a time; a batch that throws
 * is bisected and each half retried, in order, until the attempts run out, and then
 * dead-lettered. Without this the local host dropped a whole page on the first error (a post
 * that failed once under load), where AWS would have retried it: a subscriber then waited for a
 * message that never came.
 */
export async function deliverStreamRecords<R>(
  records: readonly R[],
  delivery: StreamDelivery<R>,
): Promise<void> {
  const size = delivery.batchSize ?? FAN_OUT_BATCH_SIZE;
  for (let i = 0; i < records.length; i += size) {
    await deliverBatch(
      records.slice(i, i + size),
      delivery.retryAttempts ?? FAN_OUT_RETRY_ATTEMPTS,
      0,
      delivery,
    );
  }
}

async function deliverBatch<R>(
  batch: R[],
  attemptsLeft: number,
  attempt: number,
  delivery: StreamDelivery<R>,
): Promise<void> {
  try {
    await delivery.invoke(batch);
    return;
  } catch (error) {
    if (attemptsLeft <= 0) {
      delivery.deadLetter(batch, error);
      return;
    }
    const pause = delivery.backoffMs?.(attempt + 1) ?? Math.min(2_000, 100 * 2 ** attempt);
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
    if (batch.length === 1) return deliverBatch(batch, attemptsLeft - 1, attempt + 1, delivery);
    const half = Math.ceil(batch.length / 2);
    await deliverBatch(batch.slice(0, half), attemptsLeft - 1, attempt + 1, delivery);
    await deliverBatch(batch.slice(half), attemptsLeft - 1, attempt + 1, delivery);
  }
}
