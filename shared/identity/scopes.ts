import { ApiKeyScope } from '../domain';

export type Scope = (typeof ApiKeyScope.options)[number];
export const ALL_SCOPES: readonly Scope[] = ApiKeyScope.options;

/** `admin` may do everything; `tasks:write` may also read. */
const IMPLIED: Record<Scope, readonly Scope[]> = {
  admin: ['admin', 'tasks:write', 'tasks:read'],
  'tasks:write': ['tasks:write', 'tasks:read'],
  'tasks:read': ['tasks:read'],
};

export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.some((s) => (IMPLIED[s as Scope] ?? []).includes(required));
}

/** Paths whose every method changes how the tenant's account works, or reveals its credentials. */
const ADMIN_PATHS = [/^\/v1\/keys(\/|$)/, /^\/v1\/audit(\/|$)/];
/** Paths anyone of the tenant may read but only an admin may change. */
const ADMIN_WRITES = [
  /^\/v1\/settings(\/|$)/,
  /^\/v1\/billing(\/|$)/,
  /^\/v1\/employees(\/|$)/,
  /^\/v1\/models(\/|$)/,
];

/**
 * The scope a route needs, from its method and path template. A rule, not a table, so a route
 * another part adds is covered the moment it exists: reads need `tasks:read`, writes
 * `tasks:write`, and the account's keys and audit, and changes to its settings, billing, employees and models, are `admin`'s.
 */
export function requiredScope(method: string, path: string): Scope {
  if (ADMIN_PATHS.some((p) => p.test(path))) return 'admin';
  const read = method === 'GET' || method === 'HEAD';
  if (!read && ADMIN_WRITES.some((p) => p.test(path))) return 'admin';
  return read ? 'tasks:read' : 'tasks:write';
}

/** Clerk organization roles (`org:admin`, v2 `admin`) → scopes; a member runs tasks. */
export function scopesForClerkRole(role: string | undefined): Scope[] {
  const bare = role?.replace(/^org:/, '');
  return bare === 'admin' ? ['admin', 'tasks:read', 'tasks:write'] : ['tasks:read', 'tasks:write'];
}
