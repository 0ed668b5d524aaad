import { memoryRuntime } from '@techteam/shared/runtime/memory';
import { apiHandler } from '../http';

/** DELETE /v1/memories: forgets every memory of the tenant; answers how many. */
export const handler = apiHandler(async ({ tenant }) => {
  const deleted = await (await memoryRuntime()).forgetAll(tenant.tenantId);
  return { status: 200, body: { deleted } };
});
