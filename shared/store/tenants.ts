import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Tenant } from '../domain';
import { keys, stripKeys } from './keys';
import { type Clock, systemClock } from './store';

export type NewTenant = Pick<Tenant, 'id' | 'name'> & Partial<Pick<Tenant, 'plan' | 'origin'>>;

/**
 * Tenants as identity makes them. `ensure` is how a first request creates its tenant: a put
 * that succeeds only where no tenant item exists, so of any number of first requests at once
 * exactly one creates it and the rest read what it wrote.
 */
export class Tenants {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async ensure(tenant: NewTenant): Promise<{ tenant: Tenant; created: boolean }> {
    const value = Tenant.parse({ createdAt: this.clock.now().toISOString(), ...tenant });
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.tenant(value.id), entity: 'tenant', ...value },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { tenant: value, created: true };
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.tenant(value.id), ConsistentRead: true }),
    );
    return { tenant: Tenant.parse(stripKeys(out.Item ?? {})), created: false };
  }
}
