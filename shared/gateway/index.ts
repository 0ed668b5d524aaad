// Embedding calls (shared/memory) are reserved and settled through the same meter as model calls.
export type { UsageMeter } from '../money';
export { StoreMeter } from '../store/store-meter';
export {
  DEMO_LABEL,
  DEMO_MODEL,
  DEMO_PROVIDER,
  DemoProvider,
  demoPlan,
  estimateTokens,
} from './providers/demo/demo-provider';
export { DEMO_SAMPLES, type DemoSample, findSample } from './providers/demo/samples';
// The gateway's own token measures, so the agent loop can size its prompt against the answering model's window.
export { countPromptTokens, promptTokenBound } from './routing/prompt-size';
export type * from './types';
