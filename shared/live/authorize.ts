/** Who a live connection is: the tenant it may read and what it may do. */
export interface LiveIdentity {
  tenantId: string;
  scopes: string[];
}

/**
 * The port `$connect` is authorized through: the `token` query parameter (an API key or a Clerk
 * session JWT; a browser cannot set headers on a WebSocket) to an identity, or a thrown
 * LiveUnauthorized. shared/identity's `authorize(credential)` plugs in here.
 */
export type AuthorizeConnect = (token: string | undefined) => Promise<LiveIdentity>;

/** The local host's single tenant, with no credential, as its HTTP API has it. */
export const LOCAL_LIVE_IDENTITY: LiveIdentity = { tenantId: 'local', scopes: ['tasks:read'] };

export const authorizeLocalTenant: AuthorizeConnect = async () => LOCAL_LIVE_IDENTITY;
