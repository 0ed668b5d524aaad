import { type Deps, withPart } from './deps';
import { type TeamGateway, teamGateway } from './team-gateway';

export type ModelDeps = Deps & { gateway: TeamGateway };

/**
 * The runtime with the model gateway (providers, catalog, budgets), for the
 * handlers that call models but never touch a workspace or the sandbox: plan,
 * approval, synthesis (functions/README.md: why one module per kind).
 * The local host installs a whole runtime up front; there this returns it.
 */
export function modelDeps(): ModelDeps {
  return withPart('gateway', (base): ModelDeps => {
    const gateway = teamGateway(base.store, base.directory);
    return { ...base, gateway, models: gateway };
  });
}
