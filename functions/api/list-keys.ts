import { deps } from '@techteam/shared/deps';
import { keyView } from '@techteam/shared/identity';
import { ApiKeys } from '@techteam/shared/store';
import { apiHandler } from '../http';

/** GET /v1/keys: the tenant's keys (revoked ones too), never their secrets or hashes. */
export const handler = apiHandler(async ({ tenant }) => {
  const { store } = deps();
  const keys = await new ApiKeys(store.doc, store.tableName).list(tenant.tenantId);
  return { status: 200, body: { keys: keys.map(keyView) } };
});
