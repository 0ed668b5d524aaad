import { type Runtime, withPart } from './runtime';
import { type TeamGateway, teamGateway } from './team-gateway';

export type ModelRuntime = Runtime & { gateway: TeamGateway };

/**
 * The runtime with the model gateway (providers, catalog, budgets), for the
 * handlers that call models but never touch a workspace or the sandbox: plan,
 * approval, synthesis (functions/README.md: why one module per kind).
 * The local host installs a whole runtime up front; there this returns it.
 */
export function modelRuntime(): ModelRuntime {
  return withPart('gateway', (base): ModelRuntime => {
    const gateway = teamGateway(base.store, base.directory);
    return { ...base, gateway, models: gateway };
  });
}
