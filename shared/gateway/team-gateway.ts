import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { allowOperatorModels } from '../agents/profiles';
import { employeeOf } from '../agents/roster';
import { type Config, loadConfig } from '../config';
import { ConfigInvalid } from '../errors';
import type { Store } from '../store';
import type { EmployeeCall, MeteredResponse, TeamModels } from '../workflow/models';
import { Catalog } from './catalog';
import { ModelGateway } from './gateway';
import { type ProviderSetup, providerSetup } from './provider-setup';
import { listTenantModels } from './tenant-models';
import { StoreMeter } from './usage-meter';

type Env = Record<string, string | undefined>;

/**
 * On AWS the provider keys live in Secrets Manager; TECHTEAM_PROVIDER_SECRETS
 * maps each key's variable to its secret. Resolved once per container, before
 * the first call, so no key is ever in a Lambda's environment.
 */
export async function resolveProviderSecrets(
  config: Config,
  client: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
): Promise<Config> {
  const secrets = config.TECHTEAM_PROVIDER_SECRETS;
  if (!secrets) return config;
  const resolved: Env = {};
  await Promise.all(
    Object.entries(secrets).map(async ([variable, arn]) => {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
        const value = out.SecretString?.trim();
        // An empty secret is a provider the operator chose not to use.
        if (value) resolved[variable] = value;
      } catch (e) {
        throw new ConfigInvalid(
          'TECHTEAM_PROVIDER_SECRETS',
          `names ${arn} for ${variable}, which could not be read: ${(e as Error).message}`,
        );
      }
    }),
  );
  // Validated like any other variable, so a malformed key in a secret is named at start-up.
  const checked = loadConfig(resolved);
  return {
    ...config,
    ...Object.fromEntries(Object.keys(resolved).map((n) => [n, checked[n as keyof Config]])),
  };
}

export interface TeamGateway extends TeamModels {
  /** Which providers are live and why; resolves once secrets are read. */
  setup(): Promise<ProviderSetup>;
  /** The catalog as a tenant sees it: shipped, plus configured models, plus the tenant's own. */
  catalogFor(tenantId: string): Promise<Catalog>;
  forgetTenantCatalog(tenantId: string): Promise<void>;
}

/**
 * The product's TeamModels: the gateway over the providers the configuration
 * makes live, metering into the store, with each tenant's own models. Built
 * lazily so a Lambda reads its secrets on the first call, not at import.
 */
export function teamGateway(store: Store, config: Config, env: Env = process.env): TeamGateway {
  let ready: Promise<{ gateway: ModelGateway; setup: ProviderSetup }> | undefined;
  const build = async () => {
    const setup = providerSetup(await resolveProviderSecrets(config), env);
    allowOperatorModels(setup.configModels.map((m) => m.id));
    const gateway = new ModelGateway({
      providers: setup.providers,
      unavailable: setup.unavailable,
      catalog: Catalog.shipped().with(setup.configModels),
      meter: new StoreMeter(store),
      tenantModels: (tenantId) => listTenantModels(store, tenantId),
      profileFor: (tenantId, id) => employeeOf(store, tenantId, id).catch(() => undefined),
    });
    return { gateway, setup };
  };
  const get = () => {
    ready ??= build().catch((e) => {
      ready = undefined; // a later call may succeed once the secret exists
      throw e;
    });
    return ready;
  };
  return {
    async complete(call: EmployeeCall): Promise<MeteredResponse> {
      return (await get()).gateway.complete(call);
    },
    async estimatePlanMicroUsd(plan, preference, tenantId) {
      return (await get()).gateway.estimatePlanMicroUsd(plan, preference, tenantId);
    },
    async setup() {
      return (await get()).setup;
    },
    async forgetTenantCatalog(tenantId) {
      (await get()).gateway.forgetTenantCatalog(tenantId);
    },
    async catalogFor(tenantId) {
      return (await get()).gateway.catalogFor(tenantId);
    },
  };
}
