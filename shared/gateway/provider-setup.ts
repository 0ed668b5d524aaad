import type { Config } from '../config';
import { DemoProvider } from './demo-provider';
import { type ProviderPlan, planProviders } from './provider-status';
import { AnthropicProvider } from './providers/anthropic';
import { BedrockProvider } from './providers/bedrock';
import { OpenAIProvider, openAICompatibleProvider } from './providers/openai';
import type { ModelProvider } from './types';

export type { ProviderStatus } from './provider-status';

export interface ProviderSetup extends ProviderPlan {
  providers: Map<string, ModelProvider>;
}

/** The clients of a provider plan. */
export function buildProviders(plan: ProviderPlan): ProviderSetup {
  const providers = new Map<string, ModelProvider>();
  for (const p of plan.live) {
    const provider: ModelProvider =
      p.kind === 'openai'
        ? new OpenAIProvider(p)
        : p.kind === 'anthropic'
          ? new AnthropicProvider(p)
          : p.kind === 'bedrock'
            ? new BedrockProvider(p)
            : p.kind === 'compatible'
              ? openAICompatibleProvider(p)
              : new DemoProvider();
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
