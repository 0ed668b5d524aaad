import { useRuntime } from './index';
import { gatewayOnly, type ModelRuntime, modelRuntime } from './models';
import { s3Workspaces } from './workspaces';

/** Runtimes built here: the gateway and the workspaces, no sandbox (see teamRuntime). */
export const withoutSandbox = new WeakSet<ModelRuntime>();

/**
 * The runtime with the model gateway and the task workspaces in S3, no sandbox: for the states
 * that read what the team made without running code (Replan, Synthesize), so their Lambdas never
 * bundle the ECS or SQS SDKs. The local host installs a whole runtime up front, so there this
 * returns it unchanged.
 */
export function readingRuntime(): ModelRuntime {
  const base = modelRuntime();
  if (!gatewayOnly.has(base)) return base;
  const reading: ModelRuntime = { ...base, workspaceFor: s3Workspaces(base.config) };
  // Events these states write (tool calls, answers) may be too large for an item: keep them in the task's files.
  reading.store.keepEventPayloadsIn(reading.workspaceFor);
  withoutSandbox.add(reading);
  useRuntime(reading);
  return reading;
}
