import { gatewayOnly } from './gateway-only';
import { type Runtime, runtime, useRuntime } from './index';
import { type TeamGateway, teamGateway } from './team-gateway';

export { gatewayOnly };
export type ModelRuntime = Runtime & { gateway: TeamGateway };

/**
 * The runtime with the model gateway (providers, catalog, budgets), for the
 * handlers that call models but never touch a workspace or the sandbox: plan,
 * approval, synthesis. Their Lambdas then never bundle the S3, ECS or SQS SDKs.
 * The local host installs a whole runtime up front; there this returns it.
 */
export function modelRuntime(): ModelRuntime {
  const base = runtime();
  if (base.gateway) return base as ModelRuntime;
  const gateway = teamGateway(base.store, base.directory);
  const withModels: ModelRuntime = { ...base, gateway, models: gateway };
  gatewayOnly.add(withModels);
  useRuntime(withModels);
  return withModels;
}
