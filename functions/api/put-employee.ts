import { BUILT_IN_TOOLS } from '@techteam/shared/agents';
import { EmployeeId, EmployeeProfileInput, parseInput } from '@techteam/shared/domain';
import { InvalidInput } from '@techteam/shared/errors';
import { runtime } from '@techteam/shared/runtime';
import { AuditLog } from '@techteam/shared/store';
import * as z from '@techteam/shared/zod';
import { apiHandler } from '../http';

const Path = z.object({ id: EmployeeId });

/** PUT /v1/employees/{id}: define (or override) one of the tenant's employees. */
export const handler = apiHandler(async ({ tenant, path, body }) => {
  const { id } = parseInput(Path, path, 'path');
  const input = parseInput(EmployeeProfileInput, body ?? {});
  const mounted = input.mcpServers.map((s) => s.name);
  const unknown = input.tools.filter(
    (t) => !(BUILT_IN_TOOLS as readonly string[]).includes(t) && !mounted.some((m) => t.startsWith(`${m}.`)),
  );
  if (unknown.length) {
    throw new InvalidInput(`Invalid body: tools: unknown tool(s) ${unknown.join(', ')}`, [
      { path: 'tools', message: `known: ${BUILT_IN_TOOLS.join(', ')}, or <mcp server name>.<tool>` },
    ]);
  }
  const catalog = await runtime().directory.catalogFor(tenant.tenantId);
  const unknownModels = input.allowedModels.filter((m) => !catalog.get(m));
  if (unknownModels.length) {
    throw new InvalidInput(`Invalid body: allowedModels: unknown model(s) ${unknownModels.join(', ')}`, [
      {
        path: 'allowedModels',
        message: `not in the catalog; known: ${catalog
          .list()
          .map((m) => m.id)
          .join(', ')} (add your own with PUT /v1/models/{id})`,
      },
    ]);
  }
  const { store } = runtime();
  const profile = await store.putEmployee(tenant.tenantId, { ...input, id });
  await new AuditLog(store.doc, store.tableName).record(tenant.tenantId, {
    actor: tenant.principal,
    action: 'employee_changed',
    target: id,
  });
  return { status: 200, body: { employee: profile } };
});
