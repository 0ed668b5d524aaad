/**
 * Which functions act for tenants, and what each may still touch with its own credentials.
 * A tenant-serving function holds no table or workspace grant: it assumes the tenant data role
 * (tenant-data-role.ts) per tenant, and its store signs each tenant's requests with that session
 * (shared/store/tenant-scope.ts). The requests whose leading key names no tenant go with the
 * function's own role, which gets exactly those partitions, by `dynamodb:LeadingKeys`.
 */
import {
  LIVE_LAMBDAS,
  RECONCILE_EXECUTION,
  ROUTE_LAMBDAS,
  STATE_LAMBDAS,
} from '@techteam/functions/manifest';
import { billingKeys, RATE_PARTITION_PREFIX } from '@techteam/shared/store';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { TechteamFunction } from './techteam-function';
import type { TenantDataRole } from './tenant-data-role';

/** A partition outside every tenant's `T#<tenant>` keys that a tenant-serving function reaches itself. */
export type SystemPartition =
  | 'apiKeys'
  | 'rateBuckets'
  | 'stripeCustomers'
  | 'stripeCustomerLookup'
  | 'billingAccountListing';

/**
 * Each system partition's leading keys (shared/store key shapes), the actions its code calls
 * there, and the index it is in when it is an index's partition (else the table's).
 */
export const SYSTEM_PARTITIONS: Record<
  SystemPartition,
  { leadingKeys: string[]; actions: string[]; index?: 'GSI1' }
> = {
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
  // shared/store/billing-accounts.ts tenantOfCustomer: the webhook finds an event's tenant from its customer.
  stripeCustomerLookup: { leadingKeys: ['STRIPE#CUSTOMER#*'], actions: ['dynamodb:GetItem'] },
  // shared/store/billing-accounts.ts all(): the usage reporter lists the accounts (one GSI1 partition).
  billingAccountListing: {
    leadingKeys: [billingKeys.accountsPartition],
    actions: ['dynamodb:Query'],
    index: 'GSI1',
  },
};

const API_KEY_ROUTES = new Set(['CreateKey', 'RevokeKey']);
const STRIPE_CUSTOMER_ROUTES = new Set(['CreateCheckout', 'CreatePortal']);

/**
 * Every function that acts for tenants (by construct name) → the system partitions it reaches
 * on its own: each tenant-authorized route that touches the table (metered: its rate bucket),
 * each workflow state (its payload names its tenant), the HTTP and WebSocket authorizers (which
 * find a key by id, then make the caller's tenant item as that tenant), the live functions (the
 * socket routes act for the tenant their `$connect` authorizer returned: a connection's items
 * and its subscriptions are all under `T#<tenant>…`, so they need no partition of their own;
 * the fan-out acts for each stream record's tenant in turn: its stream read and its posts to
 * connections are not table grants), the Stripe webhook (which finds the event's tenant from
 * its customer, then writes the event's claim and the tenant's account in one transaction in
 * the tenant's partitions, as that tenant), the usage reporter (which lists the billing
 * accounts, then reports each acting as its tenant), ReconcileExecution (the ended
 * execution's input, carried in EventBridge's event, names the task's tenant) and
 * IngestDocument (each message of a batch names its tenant; it acts as each in turn). Every
 * function that touches the table is here: none holds a whole-table grant.
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
  ['StripeWebhook', ['stripeCustomerLookup']],
  ['ReportUsage', ['billingAccountListing']],
  [RECONCILE_EXECUTION.name, []],
  ['IngestDocument', []],
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
    const { leadingKeys, actions, index } = SYSTEM_PARTITIONS[partition];
    fn.addToRolePolicy(
      new PolicyStatement({
        actions,
        // An index's partition: that one index by name, not the table and not every index.
        resources: [index ? `${table.tableArn}/index/${index}` : table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
      }),
    );
  }
}
