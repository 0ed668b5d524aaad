import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { failedCondition } from './billing-accounts';
import type { Store } from './store';
import { TTL_ATTRIBUTE } from './table';
import { type TransactWriteItem, transactWithRetry } from './transact';

/** How a Stripe webhook event ended here. */
export type StripeEventOutcome =
  /** Its effects were written, with its claim, in one transaction. */
  | 'applied'
  /** Claimed before (a redelivery, or the same event in parallel): nothing written now. */
  | 'duplicate'
  /** Claimed now, but a newer event had already set what it would change: no effect. */
  | 'stale';

/** Stripe retries a delivery for up to 3 days; a claim outlives that by far. */
const CLAIM_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * The event's claim: a put that succeeds only if the event id was never claimed. Stripe's
 * event ids are global, so the partition is the event's, not a tenant's; it holds no data
 * but the outcome.
 */
export const stripeEventKey = (eventId: string) => ({ PK: `STRIPE#EVENT#${eventId}`, SK: 'EVENT' });

export interface StripeEventRecord {
  id: string;
  type: string;
  created: number;
  tenantId?: string;
}

/**
 * Applies a webhook event's effects exactly once: the conditional put of its claim and
 * the effects are one transaction, so no effect lands without the claim and no claim
 * without its effects. When an effect's own condition fails (a newer event got there
 * first), the event is claimed alone as `stale`.
 */
export async function applyStripeEventOnce(
  store: Store,
  event: StripeEventRecord,
  effects: TransactWriteItem[],
  now: Date = new Date(),
): Promise<StripeEventOutcome> {
  const claim = (outcome: StripeEventOutcome): TransactWriteItem => ({
    Put: {
      TableName: store.tableName,
      Item: {
        ...stripeEventKey(event.id),
        entity: 'stripeEvent',
        type: event.type,
        created: event.created,
        ...(event.tenantId ? { tenantId: event.tenantId } : {}),
        outcome,
        appliedAt: now.toISOString(),
        [TTL_ATTRIBUTE]: Math.floor(now.getTime() / 1000) + CLAIM_TTL_SECONDS,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  });
  try {
    await transactWithRetry(store.doc, { TransactItems: [claim('applied'), ...effects] });
    return 'applied';
  } catch (e) {
    const failed = failedCondition(e);
    if (failed === undefined) throw e;
    if (failed === 0) return 'duplicate';
  }
  try {
    await store.doc.send(new PutCommand(claim('stale').Put!));
    return 'stale';
  } catch (e) {
    if ((e as Error).name === 'ConditionalCheckFailedException') return 'duplicate';
    throw e;
  }
}
