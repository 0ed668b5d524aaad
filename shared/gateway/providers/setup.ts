import type { Config } from '../../config';
import { onFirstUse } from '../../runtime/first-use';
import type { ModelProvider, ModelRequest, ModelResponse } from '../types';
import { DemoProvider } from './demo/demo-provider';
import { type LiveProvider, type ProviderPlan, planProviders } from './status';

export type { ProviderStatus } from './status';

export interface ProviderSetup extends ProviderPlan {
  providers: Map<string, ModelProvider>;
}

/**
 * A provider whose SDK is imported on its first call. A Lambda's bundle keeps
 * each SDK in a chunk of its own (bundled with code splitting), so a cold
 * start parses only the SDKs its calls use: none for a function that never
 * calls a model, Bedrock's alone in deploy-your-own mode.
 */
export class ProviderOnFirstCall implements ModelProvider {
  private readonly provider: () => Promise<ModelProvider>;

  constructor(
    readonly name: string,
    load: () => Promise<ModelProvider>,
  ) {
    this.provider = onFirstUse(load);
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    return (await this.provider()).complete(request);
  }
}

function providerFor(p: LiveProvider): ModelProvider {
  switch (p.kind) {
    case 'openai':
      return new ProviderOnFirstCall('openai', async () => new (await import('./openai')).OpenAIProvider(p));
    case 'anthropic':
      return new ProviderOnFirstCall(
        'anthropic',
        async () => new (await import('./anthropic')).AnthropicProvider(p),
      );
    case 'bedrock':
      return new ProviderOnFirstCall(
        'bedrock',
        async () => new (await import('./bedrock')).BedrockProvider(p),
      );
    case 'compatible':
      return new ProviderOnFirstCall(p.name, async () =>
        (await import('./openai')).openAICompatibleProvider(p),
      );
    case 'demo':
      return new DemoProvider();
  }
}

/** The clients of a provider plan. */
export function buildProviders(plan: ProviderPlan): ProviderSetup {
  const providers = new Map<string, ModelProvider>();
  for (const p of plan.live) {
    const provider = providerFor(p);
    providers.set(provider.name, provider);
  }
  return { ...plan, providers };
}

/** The live providers' clients for this configuration. */
export function providerSetup(
  config: Config,
  env: Record<string, string | undefined> = process.env,
): ProviderSetup {
  return buildProviders(planProviders(config, env));
}
