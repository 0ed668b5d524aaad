import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { effectiveMonthlyBudgetMicroUsd } from '../money';
import { stripKeys } from './keys';
import type { Store } from './store';
import { reconcileMonthlyBudget, tenantSpendCap } from './tenant-budget';
import { type TransactWriteItem, transactWithRetry } from './transact';

/**
 * A tenant's billing account: its Stripe customer, plan, subscription state, the
 * overage it allows, and a payment-failure grace period. One item per tenant,
 * listed under one GSI1 partition so the usage reporter can visit every account.
 */
export interface BillingAccount {
  tenantId: string;
  plan: 'free' | 'team' | 'business';
  customerId?: string;
  subscriptionId?: string;
  subscriptionStatus?: string;
  /** `created` (Unix seconds) of the Stripe event the subscription state was last taken from. */
  subscriptionEventCreated?: number;
  /** `created` of the last invoice event applied (paid or payment failed). */
  invoiceEventCreated?: number;
  /** What the tenant allows beyond the plan's credit each month, micro-USD (0: none). */
  overageCapMicroUsd: number;
  /** When an invoice payment failed (ISO); cleared by a paid invoice. */
  paymentFailedAt?: string;
  /** When the plan falls back to Free unless an invoice is paid first (ISO). */
  graceUntil?: string;
  updatedAt: string;
}

export const billingKeys = {
  account: (tenantId: string) => ({ PK: `T#${tenantId}`, SK: 'BILLING' }),
  accountListing: (tenantId: string) => ({ GSI1PK: 'BILLING#ACCOUNTS', GSI1SK: tenantId }),
  accountsPartition: 'BILLING#ACCOUNTS',
  /**
   * A Stripe customer's tenant. Stripe names the customer, not the tenant, in invoice
   * events, so this partition is keyed by the customer id; it holds only the tenant's id.
   */
  customer: (customerId: string) => ({ PK: `STRIPE#CUSTOMER#${customerId}`, SK: 'CUSTOMER' }),
  tenantItem: (tenantId: string) => ({ PK: `T#${tenantId}`, SK: 'TENANT' }),
};

/** A change to a billing account, and the monthly budget it implies for the gateway. */
export interface AccountChange {
  set: Partial<Omit<BillingAccount, 'tenantId' | 'updatedAt'>>;
  remove?: (keyof BillingAccount)[];
  /**
   * The tenant item's `plan` and `planAllowanceMicroUsd` (billing's input to the monthly budget),
   * written in the same transaction with the budget derived from them and the tenant's own spend
   * cap as last read (`spendCapMicroUsd`); `reconcileMonthlyBudget` afterwards folds in a cap
   * changed meanwhile.
   */
  tenant?: { plan: string; planAllowanceMicroUsd: number; spendCapMicroUsd?: number | undefined };
  /** State from a Stripe event created then: applied only if no newer event's was (by the field that records it). */
  ifNotOlderThan?: { field: 'subscriptionEventCreated' | 'invoiceEventCreated'; created: number };
  /** Applied only while the account's `graceUntil` is still this (a grace period ending). */
  ifGraceUntil?: string;
}

/** The writes of one account change, for a transaction (with a webhook event's claim, or alone). */
export function accountChangeWrites(
  tableName: string,
  tenantId: string,
  change: AccountChange,
  nowIso: string,
): TransactWriteItem[] {
  const names: Record<string, string> = {
    '#updatedAt': 'updatedAt',
    '#tenantId': 'tenantId',
    '#entity': 'entity',
  };
  const values: Record<string, unknown> = {
    ':now': nowIso,
    ':tenant': tenantId,
    ':gpk': billingKeys.accountsPartition,
    ':entity': 'billingAccount',
  };
  const sets = [
    '#updatedAt = :now',
    '#tenantId = :tenant',
    '#entity = :entity',
    'GSI1PK = :gpk',
    'GSI1SK = :tenant',
  ];
  for (const [field, value] of Object.entries(change.set)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  if (change.set.plan === undefined) {
    names['#plan'] = 'plan';
    values[':free'] = 'free';
    sets.push('#plan = if_not_exists(#plan, :free)');
  }
  if (change.set.overageCapMicroUsd === undefined) {
    names['#overageCapMicroUsd'] = 'overageCapMicroUsd';
    values[':zero'] = 0;
    sets.push('#overageCapMicroUsd = if_not_exists(#overageCapMicroUsd, :zero)');
  }
  const removes = (change.remove ?? []).map((field) => {
    names[`#${field}`] = field;
    return `#${field}`;
  });
  const conditions: string[] = [];
  if (change.ifNotOlderThan !== undefined) {
    names['#created'] = change.ifNotOlderThan.field;
    values[':created'] = change.ifNotOlderThan.created;
    conditions.push('(attribute_not_exists(#created) OR #created <= :created)');
  }
  if (change.ifGraceUntil !== undefined) {
    names['#graceUntil'] = 'graceUntil';
    values[':graceUntil'] = change.ifGraceUntil;
    conditions.push('#graceUntil = :graceUntil');
  }
  const writes: TransactWriteItem[] = [
    {
      Update: {
        TableName: tableName,
        Key: billingKeys.account(tenantId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
      },
    },
  ];
  if (change.tenant) {
    const budget = effectiveMonthlyBudgetMicroUsd(change.tenant);
    // A cap read from an item older than the attribute (see tenant-budget.ts) is written down as one.
    const cap = change.tenant.spendCapMicroUsd;
    // A tenant without an item yet gets a valid one (Tenant's schema needs id, name, createdAt).
    writes.push({
      Update: {
        TableName: tableName,
        Key: billingKeys.tenantItem(tenantId),
        UpdateExpression: `SET #budget = :budget, #allowance = :allowance, #plan = :plan${cap !== undefined ? ', #cap = if_not_exists(#cap, :cap)' : ''}, #id = if_not_exists(#id, :id), #name = if_not_exists(#name, :id), #createdAt = if_not_exists(#createdAt, :now), #entity = if_not_exists(#entity, :entity)`,
        ExpressionAttributeNames: {
          '#budget': 'monthlyBudgetMicroUsd',
          ...(cap !== undefined ? { '#cap': 'spendCapMicroUsd' } : {}),
          '#allowance': 'planAllowanceMicroUsd',
          '#plan': 'plan',
          '#id': 'id',
          '#name': 'name',
          '#createdAt': 'createdAt',
          '#entity': 'entity',
        },
        ExpressionAttributeValues: {
          // The allowance is set, so the derived budget always is.
          ':budget': budget ?? change.tenant.planAllowanceMicroUsd,
          ...(cap !== undefined ? { ':cap': cap } : {}),
          ':allowance': change.tenant.planAllowanceMicroUsd,
          ':plan': change.tenant.plan,
          ':id': tenantId,
          ':now': nowIso,
          ':entity': 'tenant',
        },
      },
    });
  }
  return writes;
}

/** The change with the tenant's own spend cap as it is now, which the budget it writes is derived with. */
export async function withSpendCap(
  store: Store,
  tenantId: string,
  change: AccountChange,
): Promise<AccountChange> {
  if (!change.tenant) return change;
  return { ...change, tenant: { ...change.tenant, spendCapMicroUsd: await tenantSpendCap(store, tenantId) } };
}

/** Which of a transaction's writes failed its condition (index), or undefined if it did not fail on one. */
export function failedCondition(e: unknown): number | undefined {
  if (!(e instanceof TransactionCanceledException)) return undefined;
  const index = (e.CancellationReasons ?? []).findIndex((r) => r.Code === 'ConditionalCheckFailed');
  return index >= 0 ? index : undefined;
}

/** Billing accounts and the Stripe customer → tenant map in the single table. */
export class BillingAccounts {
  constructor(private readonly store: Store) {}

  async get(tenantId: string): Promise<BillingAccount | undefined> {
    const out = await this.store.doc.send(
      new GetCommand({
        TableName: this.store.tableName,
        Key: billingKeys.account(tenantId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? (stripKeys(out.Item) as unknown as BillingAccount) : undefined;
  }

  /**
   * Records the tenant's Stripe customer unless one is recorded already; returns the one
   * that is (so of two first requests racing, both end with the same customer).
   */
  async recordCustomer(tenantId: string, customerId: string): Promise<string> {
    const now = new Date().toISOString();
    await this.store.doc.send(
      new PutCommand({
        TableName: this.store.tableName,
        Item: { ...billingKeys.customer(customerId), entity: 'stripeCustomer', tenantId, createdAt: now },
      }),
    );
    const [write] = accountChangeWrites(this.store.tableName, tenantId, { set: { customerId } }, now);
    const update = write!.Update!;
    try {
      await transactWithRetry(this.store.doc, {
        TransactItems: [
          {
            Update: {
              ...update,
              ConditionExpression: 'attribute_not_exists(#customerId) OR #customerId = :customerId',
            },
          },
        ],
      });
      return customerId;
    } catch (e) {
      if (failedCondition(e) === undefined) throw e;
      const account = await this.get(tenantId);
      return account?.customerId ?? customerId;
    }
  }

  async tenantOfCustomer(customerId: string): Promise<string | undefined> {
    const out = await this.store.doc.send(
      new GetCommand({ TableName: this.store.tableName, Key: billingKeys.customer(customerId) }),
    );
    return typeof out.Item?.['tenantId'] === 'string' ? out.Item['tenantId'] : undefined;
  }

  /** Applies a change with no webhook event behind it (the overage cap, a grace period's end). False if its condition failed. */
  async change(tenantId: string, change: AccountChange): Promise<boolean> {
    const withCap = await withSpendCap(this.store, tenantId, change);
    try {
      await transactWithRetry(this.store.doc, {
        TransactItems: accountChangeWrites(this.store.tableName, tenantId, withCap, new Date().toISOString()),
      });
    } catch (e) {
      if (failedCondition(e) === undefined) throw e;
      return false;
    }
    if (change.tenant) await reconcileMonthlyBudget(this.store, tenantId);
    return true;
  }

  /** Every billing account, paged (the usage reporter's and grace sweep's visit). */
  async *all(): AsyncGenerator<BillingAccount> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.store.doc.send(
        new QueryCommand({
          TableName: this.store.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': billingKeys.accountsPartition },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) yield stripKeys(item) as unknown as BillingAccount;
      start = page.LastEvaluatedKey;
    } while (start);
  }
}
