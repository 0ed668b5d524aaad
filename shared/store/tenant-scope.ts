import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { actingTenant } from './acting-tenant';
import {
  type AwsCredentialIdentityProvider,
  PerTenant,
  type TenantAccessLevel,
  tenantCredentials,
} from './tenant-credentials';
import { CrossTenantRequest, TenantScopeViolation } from './tenant-errors';

const TRANSLATE = { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } };

/**
 * Which tenant a DynamoDB request touches, read from its keys. Every partition key of the
 * table starts with `T#<tenant>` (keys.ts), so the tenant is in every request that names an
 * item or a tenant's partition; a request with no such key (the crash sweep's `ACTIVE`
 * index) belongs to no tenant.
 */
export function tenantOfPartition(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('T#')) return undefined;
  const rest = value.slice(2);
  const end = rest.indexOf('#');
  return end === -1 ? rest : rest.slice(0, end);
}

const PARTITION_ATTRIBUTES = new Set(['PK', 'GSI1PK', 'GSI2PK']);

type Keyed = Record<string, unknown> | undefined;

function keyTenants(key: Keyed, into: Set<string>): void {
  if (!key) return;
  for (const attr of PARTITION_ATTRIBUTES) {
    const tenant = tenantOfPartition(key[attr]);
    if (tenant !== undefined) into.add(tenant);
  }
}

/** The partition key value a Query names: `<pk> = :v` in its key condition, through any `#name` alias. */
function queryTenants(input: Record<string, unknown>, into: Set<string>): void {
  const expression = input['KeyConditionExpression'];
  if (typeof expression !== 'string') return;
  const names = (input['ExpressionAttributeNames'] ?? {}) as Record<string, string>;
  const values = (input['ExpressionAttributeValues'] ?? {}) as Record<string, unknown>;
  for (const match of expression.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const [, rawName, placeholder] = match;
    const name = rawName?.startsWith('#') ? names[rawName] : rawName;
    if (name && PARTITION_ATTRIBUTES.has(name)) {
      const tenant = tenantOfPartition(values[placeholder ?? '']);
      if (tenant !== undefined) into.add(tenant);
    }
  }
}

/** Every tenant whose partition a document-client command input reads or writes. */
export function tenantsOfRequest(input: Record<string, unknown>): Set<string> {
  const tenants = new Set<string>();
  keyTenants(input['Key'] as Keyed, tenants);
  keyTenants(input['Item'] as Keyed, tenants);
  keyTenants(input['ExclusiveStartKey'] as Keyed, tenants);
  queryTenants(input, tenants);
  const transactItems = input['TransactItems'];
  if (Array.isArray(transactItems)) {
    for (const item of transactItems as Record<string, Record<string, unknown> | undefined>[]) {
      for (const op of Object.values(item)) {
        keyTenants(op?.['Key'] as Keyed, tenants);
        keyTenants(op?.['Item'] as Keyed, tenants);
      }
    }
  }
  const requestItems = input['RequestItems'];
  if (requestItems && typeof requestItems === 'object') {
    for (const requests of Object.values(requestItems as Record<string, unknown>)) {
      const list = Array.isArray(requests) ? requests : ((requests as { Keys?: unknown[] }).Keys ?? []);
      for (const request of list as Record<string, Record<string, unknown> | undefined>[]) {
        keyTenants(request['PutRequest']?.['Item'] as Keyed, tenants);
        keyTenants(request['DeleteRequest']?.['Key'] as Keyed, tenants);
        keyTenants(request as Keyed, tenants);
      }
    }
  }
  return tenants;
}

/**
 * The tenant whose partitions IAM's `dynamodb:LeadingKeys` checks a request against: an item's
 * table partition key (`PK`; GSI attributes on an item are not leading keys), or the partition
 * a Query names (on the table or an index). An API key item (`APIKEY#…` with a tenant's GSI1PK)
 * has none: it is written with the function's own, narrow grant.
 */
export function leadingTenantsOfRequest(input: Record<string, unknown>): Set<string> {
  const tenants = new Set<string>();
  const pk = (key: Keyed) => {
    const tenant = tenantOfPartition(key?.['PK']);
    if (tenant !== undefined) tenants.add(tenant);
  };
  pk(input['Key'] as Keyed);
  pk(input['Item'] as Keyed);
  queryTenants(input, tenants);
  const transactItems = input['TransactItems'];
  if (Array.isArray(transactItems)) {
    for (const item of transactItems as Record<string, Record<string, unknown> | undefined>[]) {
      for (const op of Object.values(item)) {
        pk(op?.['Key'] as Keyed);
        pk(op?.['Item'] as Keyed);
      }
    }
  }
  const requestItems = input['RequestItems'];
  if (requestItems && typeof requestItems === 'object') {
    for (const requests of Object.values(requestItems as Record<string, unknown>)) {
      const list = Array.isArray(requests) ? requests : ((requests as { Keys?: unknown[] }).Keys ?? []);
      for (const request of list as Record<string, Record<string, unknown> | undefined>[]) {
        pk(request['PutRequest']?.['Item'] as Keyed);
        pk(request['DeleteRequest']?.['Key'] as Keyed);
        pk(request as Keyed);
      }
    }
  }
  return tenants;
}

/** Makes (and keeps) the document client that acts as one tenant. */
export type TenantClientFactory = (tenantId: string) => DynamoDBDocumentClient;

/**
 * A document client that sends each request as the tenant its keys name: with the tenant's own
 * credentials on AWS (tenant-credentials.ts: an assumed role whose policy admits only that
 * tenant's partitions), so a request built with the wrong tenant is refused by IAM, not only by
 * our code. A request naming two tenants, or (while a door acts for a tenant) any tenant but
 * that one, is refused here, before it is sent. A request whose leading key names no tenant
 * (rate buckets, API key items, the ACTIVE index) goes out with the function's own credentials,
 * which for a tenant-scoped function grant only those partitions.
 *
 * It is a DynamoDBDocumentClient, so the Store and everything built on it take it unchanged.
 */
export class TenantScopedDocumentClient extends DynamoDBDocumentClient {
  private constructor(
    client: DynamoDBClient,
    private readonly clientFor: TenantClientFactory,
  ) {
    super(client, TRANSLATE);
  }

  static over(base: DynamoDBClient, clientFor: TenantClientFactory): TenantScopedDocumentClient {
    return new TenantScopedDocumentClient(base, clientFor);
  }

  // biome-ignore lint/suspicious/noExplicitAny: the SDK's overloaded send, forwarded whole
  override send(command: any, ...rest: any[]): any {
    const input = (command?.input ?? {}) as Record<string, unknown>;
    const tenants = tenantsOfRequest(input);
    const actor = actingTenant();
    const refusal =
      actor !== undefined && [...tenants].some((t) => t !== actor)
        ? new TenantScopeViolation(
            actor,
            [...tenants].filter((t) => t !== actor),
          )
        : tenants.size > 1
          ? new CrossTenantRequest([...tenants])
          : undefined;
    if (refusal) {
      const callback = rest.find((r) => typeof r === 'function');
      if (callback) return callback(refusal);
      return Promise.reject(refusal);
    }
    const [tenant] = leadingTenantsOfRequest(input);
    if (tenant === undefined) return super.send(command, ...rest);
    return this.clientFor(tenant).send(command, ...rest);
  }
}

export interface TenantScopeOptions {
  region: string;
  /** Tests only: DynamoDB Local, which accepts the assumed credentials as it accepts any. */
  endpoint?: string;
  roleArn: string;
  access: TenantAccessLevel;
  sessionPrefix: string;
  sts: STSClient;
}

/**
 * The document client of a function that acts for one tenant per request (API routes,
 * workflow states): each tenant's requests signed with that tenant's assumed-role session.
 */
export function createTenantScopedDocumentClient(options: TenantScopeOptions): TenantScopedDocumentClient {
  const make = (credentials?: AwsCredentialIdentityProvider) =>
    new DynamoDBClient({
      region: options.region,
      maxAttempts: 3,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    });
  const perTenant = new PerTenant((tenantId) =>
    DynamoDBDocumentClient.from(make(tenantCredentials(tenantId, options)), TRANSLATE),
  );
  return TenantScopedDocumentClient.over(make(), (tenantId) => perTenant.get(tenantId));
}
