import type { EmployeeProfileInput } from '../domain';
import { InvalidInput } from '../errors';
import type * as z from '../zod';
import { BUILT_IN_TOOLS } from './tool-names';

/** The part of a tenant's model catalog a profile is checked against. */
export interface ModelIds {
  get(id: string): unknown;
  list(): { id: string }[];
}

/**
 * Refuses an employee profile that names a tool or a model the team does not have: each tool is
 * built in or belongs to one of the profile's own MCP servers (`<server>.<tool>`), each allowed
 * model is in the tenant's catalog. The error names the field and lists what is known.
 */
export function checkEmployeeProfile(input: z.infer<typeof EmployeeProfileInput>, catalog: ModelIds): void {
  const mounted = input.mcpServers.map((s) => s.name);
  const unknown = input.tools.filter(
    (t) => !(BUILT_IN_TOOLS as readonly string[]).includes(t) && !mounted.some((m) => t.startsWith(`${m}.`)),
  );
  if (unknown.length) {
    throw new InvalidInput(`Invalid body: tools: unknown tool(s) ${unknown.join(', ')}`, [
      { path: 'tools', message: `known: ${BUILT_IN_TOOLS.join(', ')}, or <mcp server name>.<tool>` },
    ]);
  }
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
}
