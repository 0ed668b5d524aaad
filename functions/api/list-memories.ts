import { memoryDeps } from '@techteam/shared/deps/memory';
import { apiHandler } from '../http';

/** GET /v1/memories: what the team remembers of the tenant's finished tasks, newest first. */
export const handler = apiHandler(async ({ tenant }) => {
  const memories = await (await memoryDeps()).listMemories(tenant.tenantId);
  return { status: 200, body: { memories } };
});
