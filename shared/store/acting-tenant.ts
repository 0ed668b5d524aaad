import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The tenant a door acts for: set by the API door from the authorizer's tenant and by a
 * workflow state's door from its payload, for the whole invocation (an AsyncLocalStorage, so
 * the local host's concurrent requests each keep their own). While it is set, a store request
 * or object key naming any other tenant is refused before it is sent (tenant-scope.ts,
 * shared/workspace/tenant-objects.ts); on AWS the session that signs it, tagged with this
 * tenant, would be refused by IAM anyway. Kept apart from the SDK clients so a door imports
 * no SDK to set it.
 */
const acting = new AsyncLocalStorage<string>();

/** Runs `work` acting for `tenantId`. */
export function actAsTenant<T>(tenantId: string, work: () => T): T {
  return acting.run(tenantId, work);
}

/** The tenant the current invocation acts for, if its door set one. */
export function actingTenant(): string | undefined {
  return acting.getStore();
}
