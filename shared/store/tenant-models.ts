import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { ConcurrentUpdate } from '../errors';
import { keys } from './keys';
import type { Store } from './store';

/**
 * A tenant's model items (`MODEL#<id>`) and their audit trail (`AUDIT#MODEL#<id>#<time>#<ulid>`),
 * in the tenant's partition. The entry's shape and its rules are the gateway's catalog
 * (shared/gateway/catalog/tenant-models.ts); here it is stored as given.
 */
export interface StoredTenantModel<Entry> {
  entry: Entry;
  updatedAt?: string;
}

/** One audited change; `modelId` and `at` order the trail. */
export interface TenantModelAudit {
  modelId: string;
  at: string;
  [field: string]: unknown;
}

export async function getTenantModel<Entry>(
  store: Store,
  tenantId: string,
  id: string,
): Promise<StoredTenantModel<Entry> | undefined> {
  const out = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: keys.tenantModel(tenantId, id), ConsistentRead: true }),
  );
  return out.Item ? { entry: out.Item['entry'] as Entry, updatedAt: out.Item['updatedAt'] } : undefined;
}

/** The item's state as read: the write below only lands if nobody changed it since. */
function unchangedSince(previous: StoredTenantModel<unknown> | undefined): {
  ConditionExpression: string;
  ExpressionAttributeValues?: Record<string, string>;
} {
  if (previous?.updatedAt)
    return {
      ConditionExpression: 'updatedAt = :seen',
      ExpressionAttributeValues: { ':seen': previous.updatedAt },
    };
  if (previous) return { ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(updatedAt)' };
  return { ConditionExpression: 'attribute_not_exists(PK)' };
}

function auditItem(tenantId: string, record: TenantModelAudit) {
  const { PK } = keys.tenantModel(tenantId, record.modelId);
  // Sorted by time within a model; the ULID keeps two changes in one millisecond apart.
  return { PK, SK: `AUDIT#MODEL#${record.modelId}#${record.at}#${ulid()}`, entity: 'model-audit', ...record };
}

/**
 * Puts (with `entry`) or deletes (with `entry` undefined) a tenant's model and writes its audit
 * item in the same transaction, only if the item is still as `previous` was read; else
 * ConcurrentUpdate.
 */
export async function writeTenantModel<Entry>(
  store: Store,
  tenantId: string,
  id: string,
  change: { entry?: Entry; actor: string; at: string },
  previous: StoredTenantModel<Entry> | undefined,
  audit: TenantModelAudit,
): Promise<void> {
  const key = keys.tenantModel(tenantId, id);
  const write =
    change.entry === undefined
      ? { Delete: { TableName: store.tableName, Key: key, ...unchangedSince(previous) } }
      : {
          Put: {
            TableName: store.tableName,
            Item: {
              ...key,
              entity: 'model',
              id,
              entry: change.entry,
              updatedAt: change.at,
              updatedBy: change.actor,
            },
            ...unchangedSince(previous),
          },
        };
  try {
    await store.doc.send(
      new TransactWriteCommand({
        TransactItems: [write, { Put: { TableName: store.tableName, Item: auditItem(tenantId, audit) } }],
      }),
    );
  } catch (e) {
    if ((e as Error).name === 'TransactionCanceledException')
      throw new ConcurrentUpdate(`model '${id}'`, 'as read');
    throw e;
  }
}

/** The audit items of a tenant's models, oldest first (one model's when `id` is given). */
export async function queryTenantModelAudit<Audit extends { modelId: string; at: string }>(
  store: Store,
  tenantId: string,
  id?: string,
): Promise<Audit[]> {
  const { PK } = keys.tenantModel(tenantId, '');
  const out = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :a)',
      ExpressionAttributeValues: { ':pk': PK, ':a': id ? `AUDIT#MODEL#${id}#` : 'AUDIT#MODEL#' },
    }),
  );
  return (out.Items ?? []) as Audit[];
}

/** Every model item of a tenant: its id and entry. */
export async function queryTenantModels<Entry>(
  store: Store,
  tenantId: string,
): Promise<{ id: string; entry: Entry }[]> {
  const { PK } = keys.tenantModel(tenantId, '');
  const out = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
      ExpressionAttributeValues: { ':pk': PK, ':m': 'MODEL#' },
    }),
  );
  return (out.Items ?? []).map((i) => ({ id: String(i['id']), entry: i['entry'] as Entry }));
}
