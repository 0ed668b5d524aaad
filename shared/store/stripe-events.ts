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
 * The event's claim: a put that succeeds only if the event id was never claimed. It is kept in
 * the tenant's own partitions (the event's customer names one tenant), so the claim and the
 * tenant's account change are one transaction signed by that tenant's session (tenant-scope.ts),
 * in a partition of its own so no listing of the tenant's items meets them. It holds no data but
 * the outcome.
 *
 * Claims made before this key (`STRIPE#EVENT#<id>`, expiring within 30 days) are not consulted:
 * an event applied again has the same effect. Every effect is Stripe's state as fetched now
 * (a subscription) or a field set to a value the event fixes (an invoice's grace period, kept if
 * already set), each guarded by the `created` of the last event applied, so an event re-applied
 * after a newer one is `stale` and one re-applied on its own writes what it wrote before (but the
 * time it was recorded).
 */
export const stripeEventKey = (tenantId: string, eventId: string) => ({
  PK: `T#${tenantId}#STRIPE`,
  SK: `EVENT#${eventId}`,
});

export interface StripeEventRecord {
  id: string;
  type: string;
  created: number;
  tenantId: string;
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
        ...stripeEventKey(event.tenantId, event.id),
        entity: 'stripeEvent',
        type: event.type,
        created: event.created,
        tenantId: event.tenantId,
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
