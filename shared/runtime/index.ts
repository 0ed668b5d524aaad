export {
  notConfigured,
  type Runtime,
  type RuntimePart,
  runtime,
  runtimeParts,
  useRuntime,
  withPart,
} from './runtime';
