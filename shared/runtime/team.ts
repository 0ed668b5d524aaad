import { type TeamGateway, teamGateway } from '../gateway/team-gateway';
import { type Runtime, runtime, useRuntime } from './index';

/**
 * The runtime with the model gateway, for handlers that call models (the
 * workflow's thinking states, the models API). The gateway is added to the
 * process's runtime once; the local host installs its own up front.
 */
export function teamRuntime(): Runtime & { gateway: TeamGateway } {
  const base = runtime();
  if (base.gateway) return base as Runtime & { gateway: TeamGateway };
  const gateway = teamGateway(base.store, base.config, process.env);
  const full = { ...base, gateway, models: gateway };
  useRuntime(full);
  return full;
}
