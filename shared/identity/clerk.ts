import { createHash } from 'node:crypto';
import { verifyToken } from '@clerk/backend';
import { type Scope, scopesForClerkRole } from './scopes';

/** Who a verified Clerk session token says is calling, and the tenant it belongs to. */
export interface ClerkCaller {
  userId: string;
  /** The Clerk organization the session is acting in; absent for a user's personal workspace. */
  orgId?: string;
  orgSlug?: string;
  scopes: Scope[];
}

export interface ClerkSettings {
  /** The instance's PEM public key: verification needs no network. */
  jwtKey: string;
  authorizedParties: string[];
  clockSkewMs?: number;
}

/** Session tokens v1 carry `org_id`/`org_role`; v2 carry `o: { id, rol, slg }`. */
interface SessionClaims {
  sub: string;
  org_id?: string;
  org_role?: string;
  org_slug?: string;
  o?: { id?: string; rol?: string; slg?: string };
}

/**
 * Verifies a Clerk session token with `@clerk/backend` (signature, expiry with clock skew,
 * not-before, `azp` among the authorized parties). Throws Clerk's TokenVerificationError,
 * whose `reason` says which check failed.
 */
export async function verifyClerkSession(token: string, settings: ClerkSettings): Promise<ClerkCaller> {
  const claims = (await verifyToken(token, {
    jwtKey: settings.jwtKey,
    authorizedParties: settings.authorizedParties,
    clockSkewInMs: settings.clockSkewMs ?? 5_000,
  })) as unknown as SessionClaims;
  const orgId = claims.o?.id ?? claims.org_id;
  const role = claims.o?.rol ?? claims.org_role;
  const orgSlug = claims.o?.slg ?? claims.org_slug;
  if (!orgId) return { userId: claims.sub, scopes: ['admin', 'tasks:read', 'tasks:write'] };
  return { userId: claims.sub, orgId, ...(orgSlug ? { orgSlug } : {}), scopes: scopesForClerkRole(role) };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * The tenant id of a Clerk organization, or of a user's personal workspace. Clerk ids are
 * case-sensitive and ours are lowercase, so the id is a digest: the same org always maps to
 * the same tenant, which is what lets concurrent first requests agree on one.
 */
export function tenantIdForClerk(caller: Pick<ClerkCaller, 'userId' | 'orgId'>): string {
  return caller.orgId ? `org-${digest(caller.orgId)}` : `usr-${digest(caller.userId)}`;
}
