import { TechteamError } from '../errors';

/** One request that names two tenants' partitions: a bug in the caller, refused before it is sent. */
export class CrossTenantRequest extends TechteamError {
  constructor(tenants: string[]) {
    super(
      'CrossTenantRequest',
      500,
      `A single store request named the partitions of ${tenants.length} tenants (${tenants.join(', ')}); each request may touch one tenant`,
      { tenants },
    );
  }
}

/** A tenant id that cannot be an IAM session tag value, so its data cannot be scoped to it. */
export class TenantIdUnscopable extends TechteamError {
  constructor(tenantId: string) {
    super(
      'TenantIdUnscopable',
      500,
      `Tenant id '${tenantId}' cannot scope credentials: use 1-128 letters, digits and _ . : = + @ -`,
      { tenantId },
    );
  }
}
