import type { ModelProvider } from '../gateway/types';
import type { Store } from '../store';
import type { EmployeeCall, MeteredResponse, TeamModels } from '../workflow/models';

/**
 * Sends every call to one provider, unrouted, and records its usage. Used
 * where the router has nothing to choose between (the demo provider alone).
 */
export function directModels(
  provider: ModelProvider,
  model: string,
  store: Store,
  priceMicroUsd = 0,
): TeamModels {
  return {
    async complete(call: EmployeeCall): Promise<MeteredResponse> {
      const { profile, preference: _preference, model: _pinned, preferred: _preferred, ...request } = call;
      const started = performance.now();
      const response = await provider.complete({ ...request, model });
      const costMicroUsd = priceMicroUsd;
      await store.recordUsage({
        tenantId: call.context.tenantId,
        taskId: call.context.taskId,
        ...(call.context.stepId ? { stepId: call.context.stepId } : {}),
        employeeId: profile.id,
        provider: response.provider,
        model: response.model,
        ...response.usage,
        costMicroUsd,
        latencyMs: Math.round(performance.now() - started),
        attempts: 1,
        outcome: 'ok',
      });
      return { ...response, costMicroUsd, attempts: 1 };
    },
  };
}
