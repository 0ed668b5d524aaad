import type { Config } from '../../config';
import type { ModelProvider, ModelRequest, ModelResponse } from '../types';
import { DemoProvider } from './demo/demo-provider';
import { type LiveProvider, lineUpProviders, type ProviderLineup } from './lineup';

export type { ProviderStatus } from './lineup';

export interface ProviderSetup extends ProviderLineup {
  providers: Map<string, ModelProvider>;
}

/**
 * A provider whose SDK is imported on its first call. A Lambda's bundle keeps
 * each SDK in a chunk of its own (bundled with code splitting), so a cold
 * start parses only the SDKs its calls use: none for a function that never
 * calls a model, Bedrock's alone in deploy-your-own mode.
 */
export class ProviderOnFirstCall implements ModelProvider {
  // runtime/first-use.ts does the same for the runtime; the gateway sits below runtime, so it keeps its own.
  private loaded: Promise<ModelProvider> | undefined;

  constructor(
    readonly name: string,
    private readonly load: () => Promise<ModelProvider>,
  ) {}

  async complete(request: ModelRequest): Promise<ModelResponse> {
    // A failed import is not kept: the next call tries again.
    this.loaded ??= this.load().catch((e: unknown) => {
      this.loaded = undefined;
      throw e;
    });
    return (await this.loaded).complete(request);
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

/** The clients of a provider lineup. */
export function buildProviders(lineup: ProviderLineup): ProviderSetup {
  const providers = new Map<string, ModelProvider>();
  for (const p of lineup.live) {
    const provider = providerFor(p);
    providers.set(provider.name, provider);
  }
  return { ...lineup, providers };
}

/** The live providers' clients for this configuration. */
export function providerSetup(
  config: Config,
  env: Record<string, string | undefined> = process.env,
): ProviderSetup {
  return buildProviders(lineUpProviders(config, env));
}
