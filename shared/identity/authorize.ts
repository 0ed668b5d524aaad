import type { Store } from '../store';
import { ApiKeys, type Clock, systemClock, Tenants } from '../store';

/** The store's document client (DynamoDB requests themselves stay in shared/store). */
type DynamoDBDocumentClient = Store['doc'];

import { parseApiKey, secretMatches } from './api-key-secret';
import { type ClerkSettings, tenantIdForClerk, verifyClerkSession } from './clerk';
import { Unauthenticated } from './errors';
import type { PepperSource } from './pepper';
import { ALL_SCOPES, type Scope } from './scopes';

/** What the authorizer establishes and every handler reads: never anything from the request itself. */
export interface Principal {
  tenantId: string;
  /** Who: `key:<key id>`, `user:<Clerk user id>`, or `local-user`. */
  principal: string;
  scopes: Scope[];
}

export interface AuthorizeDeps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  pepper: PepperSource;
  /** Absent: Clerk sign-in is off (deploy-your-own without Clerk) and only API keys work. */
  clerk?: ClerkSettings;
  clock?: Clock;
}

/** The one tenant of a loopback host with auth off. */
export const LOCAL_PRINCIPAL: Principal = {
  tenantId: 'local',
  principal: 'local-user',
  scopes: [...ALL_SCOPES],
};

const LAST_USED_EVERY_MS = 60_000;
/** Tenants this process has seen exist: a Clerk caller's tenant is ensured once per container. */
const knownTenants = new Set<string>();
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** `Bearer <credential>` (or the bare credential, as a WebSocket query parameter carries it). */
export function credentialFrom(header: string | undefined): string | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(text);
  return m ? m[1] : text;
}

/**
 * Turns a credential (an API key or a Clerk session token) into the caller's tenant and
 * scopes, or throws Unauthenticated. The API Gateway authorizer, the local host and the
 * WebSocket `$connect` all call this one function.
 */
export async function authorize(credential: string | undefined, deps: AuthorizeDeps): Promise<Principal> {
  const clock = deps.clock ?? systemClock;
  if (!credential) throw new Unauthenticated('no credential');
  if (credential.startsWith('tt_')) {
    const parsed = parseApiKey(credential);
    if (!parsed) throw new Unauthenticated('malformed API key');
    const keys = new ApiKeys(deps.doc, deps.tableName);
    const key = await keys.find(parsed.keyId);
    const pepper = await deps.pepper();
    // Compared even for an unknown id, so timing does not tell unknown ids from wrong secrets.
    const matches = secretMatches(pepper, parsed.keyId, parsed.secret, key?.hash ?? '0'.repeat(64));
    if (!key || !matches) throw new Unauthenticated('unknown API key');
    if (key.environment !== parsed.environment) throw new Unauthenticated('API key of another environment');
    const now = clock.now();
    if (key.revokedAt) throw new Unauthenticated('revoked API key');
    if (key.validUntil && key.validUntil <= now.toISOString()) throw new Unauthenticated('expired API key');
    const since = new Date(now.getTime() - LAST_USED_EVERY_MS).toISOString();
    if (!key.lastUsedAt || key.lastUsedAt < since) {
      await keys.touch(key.id, now.toISOString(), since);
    }
    return { tenantId: key.tenantId, principal: `key:${key.id}`, scopes: key.scopes };
  }
  if (!JWT_SHAPE.test(credential)) throw new Unauthenticated('malformed credential');
  if (!deps.clerk) throw new Unauthenticated('Clerk sign-in is not configured');
  let caller: Awaited<ReturnType<typeof verifyClerkSession>>;
  try {
    caller = await verifyClerkSession(credential, deps.clerk);
  } catch (e) {
    throw new Unauthenticated(
      `Clerk token refused: ${(e as { reason?: string }).reason ?? (e as Error).message}`,
    );
  }
  const tenantId = tenantIdForClerk(caller);
  // The first request of a new organization or user makes its tenant; later ones find it.
  const known = `${deps.tableName}/${tenantId}`;
  if (!knownTenants.has(known)) {
    await new Tenants(deps.doc, deps.tableName, clock).ensure({
      id: tenantId,
      name: caller.orgSlug ?? caller.orgId ?? caller.userId,
      origin: caller.orgId ?? caller.userId,
    });
    knownTenants.add(known);
  }
  return { tenantId, principal: `user:${caller.userId}`, scopes: caller.scopes };
}
