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

/**
 * A request naming another tenant's partition or objects while the invocation acts for one
 * tenant: refused before it is sent, locally as IAM refuses it on AWS (the session is tagged
 * with the acting tenant). Never the caller's doing to fix: a bug in how a key was built.
 */
export class TenantScopeViolation extends TechteamError {
  /** The other tenants the request named: for logs only, never in the answer to the caller. */
  readonly named: string[];
  constructor(actingFor: string, named: string[]) {
    super(
      'TenantScopeViolation',
      403,
      `A request acting for tenant '${actingFor}' named data outside that tenant and was refused before it was sent; nothing was read or written. Report this with the request id`,
      { actingFor },
    );
    this.named = named;
  }
}
