import { sandboxRunsFromEnv } from './aws-sandbox';
import { type Runtime, runtime, useRuntime } from './index';

const withRuns = new WeakSet<Runtime>();

/**
 * The runtime with the sandbox's per-run side (the Fargate tier's runner task),
 * for the handlers that begin or end runs: StartRun, Finalize, MarkFailed and
 * CancelTask. Added to the process's runtime once; the local host installs a
 * whole runtime (its sandbox keeps nothing per run), which is returned as it is.
 */
export function sandboxRunsRuntime(): Runtime {
  const base = runtime();
  if (base.gateway || withRuns.has(base)) return base;
  const sandboxRuns = sandboxRunsFromEnv(process.env);
  const full: Runtime = { ...base, ...(sandboxRuns ? { sandboxRuns } : {}) };
  withRuns.add(full);
  useRuntime(full);
  return full;
}
