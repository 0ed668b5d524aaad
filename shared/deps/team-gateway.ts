import { modelRefusal, planInForce, planSourceFromEnv } from '../billing/plan-in-force';
import type { ModelDirectory } from '../gateway/catalog/model-directory';
import { ModelGateway } from '../gateway/gateway';
import { buildProviders, type ProviderSetup } from '../gateway/providers/setup';
import type { EmployeeCall, MeteredResponse, TeamModels } from '../gateway/team-models';
import type { ModelProvider } from '../gateway/types';
import type { UsageMeter } from '../money';
import { recordModelSpend } from '../observability';
import type { Store } from '../store';
import { onFirstUse } from './first-use';
import { meterFor } from './meter';
import { inSubsegment } from './tracing';

export interface TeamGateway extends TeamModels {
  /** Which providers are live and why; resolves once secrets are read. */
  setup(): Promise<ProviderSetup>;
}

/**
 * The product's TeamModels: the gateway over the providers the configuration
 * makes live, metering into the store, with each tenant's own models. Built
 * lazily so a Lambda reads its secrets on the first call, not at import.
 */
export function teamGateway(store: Store, directory: ModelDirectory): TeamGateway {
  const get = onFirstUse(async () => {
    const { config, lineup, catalogs } = await directory.resolve();
    const setup = buildProviders(lineup);
    const gateway = new ModelGateway({
      providers: withTracedCalls(setup.providers),
      unavailable: setup.unavailable,
      catalog: catalogs.base,
      catalogFor: (tenantId) => catalogs.for(tenantId),
      refusalFor: planRefusals(store),
      meter: withSpendMetric(meterFor(store)),
      policy: { timeoutMs: config.TECHTEAM_MODEL_TIMEOUT_MS },
    });
    return { gateway, setup };
  });
  return {
    async complete(call: EmployeeCall): Promise<MeteredResponse> {
      return (await get()).gateway.complete(call);
    },
    async worstCaseCallMicroUsd(query) {
      return (await get()).gateway.worstCaseCallMicroUsd(query);
    },
    async setup() {
      return (await get()).setup;
    },
  };
}

const PLAN_CACHE_TTL_MS = 30_000;

/**
 * The plan's model tiers as the router's skip reasons, read from the tenant item at most 30 s old
 * (like the gateway's other per-tenant reads), so a plan change reaches running tasks within that.
 */
export function planRefusals(store: Store, now: () => number = Date.now) {
  const cache = new Map<
    string,
    { at: number; refuse: (model: { id: string; quality: number }) => string | undefined }
  >();
  return async (tenantId: string) => {
    const hit = cache.get(tenantId);
    if (hit && now() - hit.at < PLAN_CACHE_TTL_MS) return hit.refuse;
    const plan = planInForce(await store.getTenant(tenantId), planSourceFromEnv(process.env));
    const refuse = (model: { id: string; quality: number }) => modelRefusal(plan, model);
    if (cache.size > 10_000) cache.clear();
    cache.set(tenantId, { at: now(), refuse });
    return refuse;
  };
}

/**
 * The providers, each call to one in an X-Ray subsegment (on Lambda; inert elsewhere) annotated
 * with who made it and which model answered: ids only, never the prompt (tracing.ts).
 */
export function withTracedCalls(providers: ReadonlyMap<string, ModelProvider>): Map<string, ModelProvider> {
  const traced = new Map<string, ModelProvider>();
  for (const [name, provider] of providers)
    traced.set(name, {
      name: provider.name,
      complete: (request) =>
        inSubsegment(
          'model call',
          {
            tenant: request.context.tenantId,
            task: request.context.taskId,
            step: request.context.stepId,
            employee: request.context.employeeId,
            provider: provider.name,
            model: request.model,
          },
          () => provider.complete(request),
        ),
    });
  return traced;
}

/** The meter, with each settled call's cost also written as the ModelSpendMicroUsd metric (on Lambda). */
export function withSpendMetric(meter: UsageMeter): UsageMeter {
  return {
    account: (context, profile) => meter.account(context, profile),
    reserve: (account, amount, model) => meter.reserve(account, amount, model),
    release: (reservation) => meter.release(reservation),
    recordFree: (record, context) => meter.recordFree(record, context),
    async settle(record, reservation) {
      await meter.settle(record, reservation);
      recordModelSpend(record.costMicroUsd);
    },
  };
}
