export { DEMO_SAMPLES, type DemoSample, findSample } from './demo/samples';
export {
  DEMO_LABEL,
  DEMO_MODEL,
  DEMO_PROVIDER,
  DemoProvider,
  demoPlan,
  estimateTokens,
} from './demo-provider';
// The gateway's own token measures, so the agent loop can size its prompt against the answering model's window.
export { countPromptTokens, promptTokenBound } from './prompt-size';
export type * from './types';
// Embedding calls (shared/memory) are reserved and settled through the same meter as model calls.
export { StoreMeter, type UsageMeter } from './usage-meter';
