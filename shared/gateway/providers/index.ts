export {
  ANTHROPIC_BASE_URL,
  AnthropicProvider,
  type AnthropicProviderOptions,
  JSON_ANSWER_TOOL,
} from './anthropic';
export { BedrockProvider, type BedrockProviderOptions } from './bedrock';
export { retryAfterMs } from './failures';
export {
  HELICONE_ANTHROPIC_BASE_URL,
  HELICONE_OPENAI_BASE_URL,
  type HeliconeOptions,
  heliconeCallHeaders,
} from './helicone';
export { lineUpProviders } from './lineup';
export {
  OPENAI_BASE_URL,
  OpenAIProvider,
  type OpenAIProviderOptions,
  openAICompatibleProvider,
} from './openai';
export { estimateUsage } from './usage-estimate';
