export {
  DEMO_LABEL,
  DEMO_MODEL,
  DEMO_PROVIDER,
  DemoProvider,
  demoPlan,
  estimateTokens,
} from './demo-provider';
export type * from './types';
