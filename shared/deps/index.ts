export { actAsTenant, actingTenant } from './acting-tenant';
export {
  type Deps,
  type DepsPart,
  deps,
  depsParts,
  notConfigured,
  useDeps,
  withPart,
} from './deps';
export { inSubsegment, startTracing, traceAwsClient } from './tracing';
