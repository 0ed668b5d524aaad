/**
 * Which functions act for tenants, and what each may still touch with its own credentials.
 * A tenant-serving function holds no table or workspace grant: it assumes the tenant data role
 * (tenant-data-role.ts) per tenant, and its store signs each tenant's requests with that session
 * (shared/store/tenant-scope.ts). The requests whose leading key names no tenant go with the
 * function's own role, which gets exactly those partitions, by `dynamodb:LeadingKeys`.
 */
import { LIVE_LAMBDAS, ROUTE_LAMBDAS, STATE_LAMBDAS } from '@techteam/functions/manifest';
import { RATE_PARTITION_PREFIX } from '@techteam/shared/store';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TechteamFunction } from './techteam-function';
import type { TenantDataRole } from './tenant-data-role';

/** A partition outside every tenant's `T#<tenant>` keys that a tenant-serving function reaches itself. */
export type SystemPartition = 'apiKeys' | 'rateBuckets' | 'stripeCustomers';

/** Each system partition's leading keys (shared/store key shapes) and the actions its code calls there. */
export const SYSTEM_PARTITIONS: Record<SystemPartition, { leadingKeys: string[]; actions: string[] }> = {
  // shared/store/api-keys.ts: found by key id alone (the authorizers have only the key); created, revoked, last use recorded.
  apiKeys: {
    leadingKeys: ['APIKEY#*'],
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  },
  // shared/store/rate-limits.ts: the tenant's token bucket, a version-checked put.
  rateBuckets: {
    leadingKeys: [`${RATE_PARTITION_PREFIX}*`],
    actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  },
  // shared/store/billing-accounts.ts recordCustomer: Stripe names the customer, not the tenant.
  stripeCustomers: { leadingKeys: ['STRIPE#CUSTOMER#*'], actions: ['dynamodb:PutItem'] },
};

const API_KEY_ROUTES = new Set(['CreateKey', 'RevokeKey']);
const STRIPE_CUSTOMER_ROUTES = new Set(['CreateCheckout', 'CreatePortal']);

/**
 * Every function that acts for tenants (by construct name) → the system partitions it reaches
 * on its own: each tenant-authorized route that touches the table (metered: its rate bucket),
 * each workflow state (its payload names its tenant), the HTTP and WebSocket authorizers (which
 * find a key by id, then make the caller's tenant item as that tenant), and the live functions:
 * the socket routes act for the tenant their `$connect` authorizer returned (a connection's
 * items and its subscriptions are all under `T#<tenant>…`, so they need no partition of their
 * own), and the fan-out acts for each stream record's tenant in turn (its stream read and its
 * posts to connections are not table grants). Not here, and why:
 * - StripeWebhook, ReportUsage: Stripe names customers and events, not tenants; one transaction
 *   writes the event's claim and the tenant's account together.
 * - ReconcileExecution: EventBridge hands it an execution, not a tenant; it reads the task the
 *   execution's input names.
 * - IngestDocument: an SQS batch holds several tenants' documents.
 */
export const TENANT_SERVING: ReadonlyMap<string, readonly SystemPartition[]> = new Map([
  ...ROUTE_LAMBDAS.filter((r) => r.access.table !== 'none' && r.auth !== 'signature').map(
    (r) =>
      [
        r.name,
        [
          'rateBuckets',
          ...(API_KEY_ROUTES.has(r.name) ? (['apiKeys'] as const) : []),
          ...(STRIPE_CUSTOMER_ROUTES.has(r.name) ? (['stripeCustomers'] as const) : []),
        ] as SystemPartition[],
      ] as const,
  ),
  ...STATE_LAMBDAS.map((s) => [s.name, [] as SystemPartition[]] as const),
  ['Authorizer', ['apiKeys']],
  ...Object.values(LIVE_LAMBDAS).map(
    (l) => [l.name, (l.kind === 'socketAuthorizer' ? ['apiKeys'] : []) as SystemPartition[]] as const,
  ),
]);

/**
 * A tenant-serving function's data access: admitted to the tenant data role (the environment
 * names it, and whether the function's sessions may write), and its own system partitions only.
 */
export function grantTenantAccess(
  fn: TechteamFunction,
  name: string,
  level: 'read' | 'readWrite',
  table: Table,
  tenantData: TenantDataRole,
): void {
  tenantData.admit(fn);
  fn.addEnvironment('TECHTEAM_TENANT_ROLE_ARN', tenantData.role.roleArn);
  fn.addEnvironment('TECHTEAM_TENANT_ACCESS', level);
  for (const partition of TENANT_SERVING.get(name) ?? []) {
    const { leadingKeys, actions } = SYSTEM_PARTITIONS[partition];
    fn.addToRolePolicy(
      new PolicyStatement({
        actions,
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
      }),
    );
  }
}
