import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { parseInput } from '../domain/parse';
import { keys, type Store } from '../store';
import * as z from '../zod';
import { type Catalog, type CatalogModel, ModelEntryInput, ModelId, toCatalogModel } from './catalog';

/**
 * A tenant's own models and price overrides, one item each in the tenant's
 * partition. An id that is in the shipped catalog replaces that entry for the
 * tenant (a negotiated price, a private deployment); a new id adds a model.
 */
export async function putTenantModel(
  store: Store,
  tenantId: string,
  id: string,
  body: unknown,
): Promise<CatalogModel> {
  parseInput(z.object({ id: ModelId }), { id }, 'path');
  const entry = parseInput(ModelEntryInput, body ?? {});
  const model = toCatalogModel(id, entry, 'tenant');
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: { ...keys.tenantModel(tenantId, id), entity: 'model', id, entry },
    }),
  );
  return model;
}

export async function deleteTenantModel(store: Store, tenantId: string, id: string): Promise<void> {
  await store.doc.send(
    new DeleteCommand({ TableName: store.tableName, Key: keys.tenantModel(tenantId, id) }),
  );
}

export async function listTenantModels(store: Store, tenantId: string): Promise<CatalogModel[]> {
  const { PK } = keys.tenantModel(tenantId, '');
  const out = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :m)',
      ExpressionAttributeValues: { ':pk': PK, ':m': 'MODEL#' },
    }),
  );
  return (out.Items ?? []).map((i) =>
    toCatalogModel(String(i['id']), i['entry'] as ModelEntryInput, 'tenant'),
  );
}

const TENANT_CATALOG_TTL_MS = 30_000;

/**
 * Each tenant's view of the catalog: the base (shipped plus configured models)
 * with the tenant's own entries over it, cached for 30 s per process so the hot
 * path does not read the table on every call.
 */
export class TenantCatalogs {
  private readonly cache = new Map<string, { at: number; catalog: Catalog }>();

  constructor(
    private readonly store: Store,
    readonly base: Catalog,
  ) {}

  async for(tenantId: string): Promise<Catalog> {
    const cached = this.cache.get(tenantId);
    if (cached && Date.now() - cached.at < TENANT_CATALOG_TTL_MS) return cached.catalog;
    const own = await listTenantModels(this.store, tenantId);
    const catalog = own.length ? this.base.with(own) : this.base;
    this.cache.set(tenantId, { at: Date.now(), catalog });
    return catalog;
  }

  /** After the tenant's models changed: other processes see the change within the TTL. */
  forget(tenantId: string): void {
    this.cache.delete(tenantId);
  }
}
