import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { parseInput } from '../domain/parse';
import { keys, type Store } from '../store';
import { type CatalogModel, ModelEntryInput, ModelId, toCatalogModel } from './catalog';

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
