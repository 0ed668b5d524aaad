import { deps } from '@techteam/shared/deps';
import { parseInput } from '@techteam/shared/domain';
import { keyView, revokeApiKey } from '@techteam/shared/identity';
import { apiHandler } from '../http';
import { KeyPath } from './keys-schemas';

/** DELETE /v1/keys/{id}: revoke one of the tenant's keys; it fails everywhere within seconds. */
export const handler = apiHandler(async ({ tenant, path }) => {
  const { id } = parseInput(KeyPath, path, 'path');
  const { store } = deps();
  const record = await revokeApiKey(store, tenant.tenantId, id, tenant.principal);
  return { status: 200, body: { apiKey: keyView(record) } };
});
