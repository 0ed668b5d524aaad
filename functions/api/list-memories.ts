import { memoryRuntime } from '@techteam/shared/runtime/memory';
import { apiHandler } from '../http';

/** GET /v1/memories: what the team remembers of the tenant's finished tasks, newest first. */
export const handler = apiHandler(async ({ tenant }) => {
  const memories = await (await memoryRuntime()).listMemories(tenant.tenantId);
  return { status: 200, body: { memories } };
});
