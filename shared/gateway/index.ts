export { DEMO_SAMPLES, type DemoSample, findSample } from './demo/samples';
export {
  DEMO_LABEL,
  DEMO_MODEL,
  DEMO_PROVIDER,
  DemoProvider,
  demoPlan,
  estimateTokens,
} from './demo-provider';
export type * from './types';
