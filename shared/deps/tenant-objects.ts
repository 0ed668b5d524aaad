import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { actingTenant } from '../store/acting-tenant';
import { PerTenant, tenantCredentials } from '../store/tenant-credentials';
import { TenantScopeViolation } from '../store/tenant-errors';
import type { tenantScopeOf } from './deps';

type TenantScope = NonNullable<ReturnType<typeof tenantScopeOf>>;

/** The object key (or listed prefix) of an S3 request, as the workspace sends it. */
function objectKeyOf(input: Record<string, unknown>): string | undefined {
  const key = input['Key'] ?? input['Prefix'];
  return typeof key === 'string' ? key : undefined;
}

/**
 * Refuses an object request outside `<tenant>/`, or made while the invocation acts for another
 * tenant, before it is sent: locally the check that the tenant data role's `<tenant>/*` resource
 * and `s3:prefix` condition make on AWS.
 */
export function refuseOtherTenantsObjects(s3: S3Client, tenantId: string): S3Client {
  s3.middlewareStack.add(
    (next) => async (args) => {
      const key = objectKeyOf(args.input as Record<string, unknown>);
      const actor = actingTenant();
      if (actor !== undefined && actor !== tenantId) throw new TenantScopeViolation(actor, [tenantId]);
      if (key !== undefined && !key.startsWith(`${tenantId}/`)) {
        throw new TenantScopeViolation(tenantId, [key.split('/')[0] ?? key]);
      }
      return next(args);
    },
    { step: 'initialize', name: 'refuseOtherTenantsObjects' },
  );
  return s3;
}

/**
 * One S3 client per tenant (at most 64 kept, the least recently used dropped): on AWS each signs
 * with that tenant's assumed-role session (the SDK keeps its credentials until they near
 * expiry), elsewhere with the process's own; everywhere, each refuses another tenant's keys.
 */
export function tenantS3Clients(
  config: Config,
  scope: TenantScope | undefined,
  make: (options: ConstructorParameters<typeof S3Client>[0]) => S3Client,
): (tenantId: string) => S3Client {
  const region = config.AWS_REGION;
  const clients = new PerTenant((tenantId) =>
    refuseOtherTenantsObjects(
      make({
        ...(region ? { region } : {}),
        ...(scope ? { credentials: tenantCredentials(tenantId, scope) } : {}),
      }),
      tenantId,
    ),
  );
  return (tenantId) => clients.get(tenantId);
}
