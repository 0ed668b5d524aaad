import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ApiKey } from '../domain';
import { NotFound } from '../errors';
import * as z from '../zod';
import { stripKeys } from './keys';

/**
 * An API key's item. Its partition is the key id, not the tenant: the authorizer holds only
 * the key and must find the tenant from it (the one other exception to tenant-prefixed
 * partitions, beside GSI2). The tenant's list of keys is GSI1 under `T#<tenant>#APIKEYS`,
 * and every change names the tenant in its condition, so no tenant reaches another's key.
 */
export const apiKeyKeys = {
  key: (keyId: string) => ({ PK: `APIKEY#${keyId}`, SK: 'APIKEY' }),
  listing: (tenantId: string, keyId: string) => ({ GSI1PK: `T#${tenantId}#APIKEYS`, GSI1SK: keyId }),
  keysOfTenant: (tenantId: string) => `T#${tenantId}#APIKEYS`,
} as const;

export const StoredApiKey = z.extend(ApiKey, {
  environment: z.enum(['live', 'test']),
  createdBy: z.string(),
  /** When the key stops working. Not `expiresAt`: that is the table's TTL attribute, which would delete it. */
  validUntil: z.optional(z.string()),
});
export type StoredApiKey = z.infer<typeof StoredApiKey>;

export class ApiKeys {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(key: StoredApiKey): Promise<StoredApiKey> {
    const value = StoredApiKey.parse(key);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...apiKeyKeys.key(value.id),
          ...apiKeyKeys.listing(value.tenantId, value.id),
          entity: 'apiKey',
          ...value,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return value;
  }

  /** The key with this id, whoever's it is: for the authorizer only, which checks its secret. */
  async find(keyId: string): Promise<StoredApiKey | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: apiKeyKeys.key(keyId), ConsistentRead: true }),
    );
    return out.Item ? StoredApiKey.parse(stripKeys(out.Item)) : undefined;
  }

  /** A tenant's keys, newest first (ids are random, so sorted here by creation). */
  async list(tenantId: string): Promise<StoredApiKey[]> {
    const items: StoredApiKey[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': apiKeyKeys.keysOfTenant(tenantId) },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) items.push(StoredApiKey.parse(stripKeys(item)));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Revokes a tenant's key (again: no change); another tenant's key is NotFound, as a missing one. */
  async revoke(tenantId: string, keyId: string, at: string): Promise<StoredApiKey> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: apiKeyKeys.key(keyId),
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
          ConditionExpression: 'attribute_exists(PK) AND tenantId = :t',
          ExpressionAttributeValues: { ':at': at, ':t': tenantId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return StoredApiKey.parse(stripKeys(out.Attributes ?? {}));
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) throw new NotFound('API key', keyId);
      throw e;
    }
  }

  /** Records a use, unless one was recorded since `notBefore`: at most one write a minute a key. */
  async touch(keyId: string, at: string, notBefore: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: apiKeyKeys.key(keyId),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :nb)',
          ExpressionAttributeValues: { ':at': at, ':nb': notBefore },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}
