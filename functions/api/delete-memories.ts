import { memoryDeps } from '@techteam/shared/deps/memory';
import { apiHandler } from '../http';

/** DELETE /v1/memories: forgets every memory of the tenant; answers how many. */
export const handler = apiHandler(async ({ tenant }) => {
  const deleted = await (await memoryDeps()).forgetAll(tenant.tenantId);
  return { status: 200, body: { deleted } };
});
