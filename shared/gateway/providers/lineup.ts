import type { Config } from '../../config';
import { type CatalogModel, toCatalogModel } from '../catalog/catalog';
import type { HeliconeOptions } from './helicone';

/** One provider as `techteam models` and the host banner show it. */
export interface ProviderStatus {
  name: string;
  live: boolean;
  /** Why it is live ("OPENAI_API_KEY is set") or what would make it live. */
  detail: string;
}

/** A provider the configuration makes live, with what it takes to build its client. */
export type LiveProvider =
  | { kind: 'openai'; apiKey: string; helicone?: HeliconeOptions; timeoutMs: number }
  | { kind: 'anthropic'; apiKey: string; helicone?: HeliconeOptions; timeoutMs: number }
  | { kind: 'bedrock'; region: string; timeoutMs: number }
  | { kind: 'compatible'; name: string; baseURL: string; apiKey?: string; timeoutMs: number }
  | { kind: 'demo' };

/**
 * Which providers the configuration makes live, each one's status, and why the others cannot be
 * used. (Was `ProviderPlan`: "plan" is the task's plan; a tenant's billing tier is its tier.)
 */
export interface ProviderLineup {
  live: LiveProvider[];
  statuses: ProviderStatus[];
  /** Provider → why it cannot be used, for the router's error messages. */
  unavailable: Map<string, string>;
  /** Models the configuration adds to the catalog (the OpenAI-compatible server's). */
  configModels: CatalogModel[];
  /** True when no real provider is live and the scripted demo model answers everything. */
  demo: boolean;
}

type Env = Record<string, string | undefined>;

/** Where the AWS SDK's default chain would find credentials, or undefined. */
export function awsCredentialSource(env: Env): string | undefined {
  if (env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY']) return 'AWS_ACCESS_KEY_ID';
  if (env['AWS_PROFILE']) return `AWS_PROFILE=${env['AWS_PROFILE']}`;
  if (env['AWS_WEB_IDENTITY_TOKEN_FILE']) return 'AWS_WEB_IDENTITY_TOKEN_FILE';
  if (env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || env['AWS_CONTAINER_CREDENTIALS_FULL_URI']) {
    return 'the container role';
  }
  if (env['AWS_LAMBDA_FUNCTION_NAME']) return 'the Lambda role';
  return undefined;
}

const BYO_ONLY = 'disabled: deploy-your-own mode (TECHTEAM_MODE=byo) allows Bedrock only';

/**
 * Which providers are live follows from the keys present; with none, the demo
 * provider answers and says so. In byo mode only Bedrock may be used: no call
 * leaves the customer's AWS account. Pure: builds no client, so the functions
 * that only describe models do not bundle the provider SDKs.
 */
export function lineUpProviders(config: Config, env: Env = process.env): ProviderLineup {
  const live: LiveProvider[] = [];
  const statuses: ProviderStatus[] = [];
  const unavailable = new Map<string, string>();
  const byo = config.TECHTEAM_MODE === 'byo';
  const helicone = config.HELICONE_API_KEY ? { helicone: { apiKey: config.HELICONE_API_KEY } } : {};
  const timeoutMs = config.TECHTEAM_MODEL_TIMEOUT_MS;
  const off = (name: string, detail: string) => {
    unavailable.set(name, detail);
    statuses.push({ name, live: false, detail });
  };
  const on = (name: string, provider: LiveProvider, detail: string) => {
    live.push(provider);
    statuses.push({ name, live: true, detail });
  };
  const viaHelicone = config.HELICONE_API_KEY ? ', through Helicone' : '';

  if (byo) off('openai', BYO_ONLY);
  else if (config.OPENAI_API_KEY) {
    on(
      'openai',
      { kind: 'openai', apiKey: config.OPENAI_API_KEY, ...helicone, timeoutMs },
      `OPENAI_API_KEY is set${viaHelicone}`,
    );
  } else off('openai', 'no credentials: set OPENAI_API_KEY');

  if (byo) off('anthropic', BYO_ONLY);
  else if (config.ANTHROPIC_API_KEY) {
    on(
      'anthropic',
      { kind: 'anthropic', apiKey: config.ANTHROPIC_API_KEY, ...helicone, timeoutMs },
      `ANTHROPIC_API_KEY is set${viaHelicone}`,
    );
  } else off('anthropic', 'no credentials: set ANTHROPIC_API_KEY');

  const credentials = awsCredentialSource(env);
  if (!config.BEDROCK_REGION) off('bedrock', 'no region: set BEDROCK_REGION (and AWS credentials)');
  else if (!credentials) {
    off(
      'bedrock',
      `no AWS credentials for BEDROCK_REGION=${config.BEDROCK_REGION}: set AWS_PROFILE or AWS_ACCESS_KEY_ID`,
    );
  } else {
    on(
      'bedrock',
      { kind: 'bedrock', region: config.BEDROCK_REGION, timeoutMs },
      `${config.BEDROCK_REGION}, credentials from ${credentials}`,
    );
  }

  const configModels: CatalogModel[] = [];
  const compat = config.OPENAI_COMPATIBLE_NAME;
  if (byo) off(compat, BYO_ONLY);
  else if (config.OPENAI_COMPATIBLE_BASE_URL) {
    on(
      compat,
      {
        kind: 'compatible',
        name: compat,
        baseURL: config.OPENAI_COMPATIBLE_BASE_URL,
        ...(config.OPENAI_COMPATIBLE_API_KEY ? { apiKey: config.OPENAI_COMPATIBLE_API_KEY } : {}),
        timeoutMs,
      },
      `${config.OPENAI_COMPATIBLE_BASE_URL}${config.OPENAI_COMPATIBLE_MODELS ? `, models ${config.OPENAI_COMPATIBLE_MODELS}` : ', no OPENAI_COMPATIBLE_MODELS listed'}`,
    );
    for (const id of config.OPENAI_COMPATIBLE_MODELS?.split(',') ?? []) {
      configModels.push(
        toCatalogModel(
          id,
          {
            provider: compat,
            providerModelId: id,
            contextWindow: config.OPENAI_COMPATIBLE_CONTEXT_WINDOW,
            maxOutputTokens: Math.min(8_192, Math.floor(config.OPENAI_COMPATIBLE_CONTEXT_WINDOW / 2)),
            prices: { input: '0', output: '0', cachedInput: '0' },
            quality: 2,
          },
          'config',
        ),
      );
    }
  } else off(compat, 'not configured: set OPENAI_COMPATIBLE_BASE_URL (Ollama, vLLM, LM Studio)');

  const demo = live.length === 0;
  if (demo) {
    on(
      'demo',
      { kind: 'demo' },
      'scripted and deterministic: no model provider key is set, so the demo plays the samples',
    );
  } else {
    off('demo', 'off: a real provider is live');
  }
  return { live, statuses, unavailable, configModels, demo };
}
