import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Config, loadConfig } from '../../config';
import { ConfigInvalid } from '../../errors';
import type { Store } from '../../store';
import { lineUpProviders, type ProviderLineup } from '../providers/lineup';
import { Catalog } from './catalog';
import { type ModelsView, modelsView } from './models-view';
import { TenantCatalogs } from './tenant-models';

type Env = Record<string, string | undefined>;
type SecretsClient = Pick<SecretsManagerClient, 'send'>;

/** What the stack puts in a provider key's secret until the operator sets it: the provider stays off. */
export const UNSET_PROVIDER_KEY = 'UNSET';

/**
 * On AWS the provider keys live in Secrets Manager; TECHTEAM_PROVIDER_SECRETS
 * maps each key's variable to its secret. Resolved once per container, before
 * the first call, so no key is ever in a Lambda's environment.
 */
export async function resolveProviderSecrets(config: Config, given?: SecretsClient): Promise<Config> {
  const secrets = config.TECHTEAM_PROVIDER_SECRETS;
  if (!secrets) return config;
  // Imported here: only a Lambda on AWS reads secrets, once per container.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = given ?? new SecretsManagerClient({});
  const resolved: Env = {};
  await Promise.all(
    Object.entries(secrets).map(async ([variable, arn]) => {
      try {
        const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
        const value = out.SecretString?.trim();
        // An empty or placeholder secret is a provider the operator has not set up (yet).
        if (value && value !== UNSET_PROVIDER_KEY) resolved[variable] = value;
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

/**
 * What models exist for a tenant and which providers are live: the catalog
 * and the provider lineup, without any provider client. The models API and
 * employee validation use it; the gateway is built on it.
 */
export class ModelDirectory {
  private ready: Promise<{ config: Config; lineup: ProviderLineup; catalogs: TenantCatalogs }> | undefined;

  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly env: Env = process.env,
    private readonly secrets?: SecretsClient,
  ) {}

  /** The configuration with provider keys resolved, and what it makes live. */
  resolve(): Promise<{ config: Config; lineup: ProviderLineup; catalogs: TenantCatalogs }> {
    this.ready ??= (async () => {
      const config = await resolveProviderSecrets(this.config, this.secrets);
      const lineup = lineUpProviders(config, this.env);
      // Bedrock models are called through the inference profile of the stack's own geography.
      const base = Catalog.shipped().inRegion(config.BEDROCK_REGION).with(lineup.configModels);
      const catalogs = new TenantCatalogs(this.store, base);
      return { config, lineup, catalogs };
    })().catch((e) => {
      this.ready = undefined; // a later call may succeed once the secret exists
      throw e;
    });
    return this.ready;
  }

  async catalogFor(tenantId: string): Promise<Catalog> {
    return (await this.resolve()).catalogs.for(tenantId);
  }

  async forgetTenantCatalog(tenantId: string): Promise<void> {
    (await this.resolve()).catalogs.forget(tenantId);
  }

  async view(tenantId: string): Promise<ModelsView> {
    const { lineup, catalogs } = await this.resolve();
    return modelsView(await catalogs.for(tenantId), lineup.statuses, lineup.demo);
  }
}
