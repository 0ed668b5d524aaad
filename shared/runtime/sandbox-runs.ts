import { sandboxRunsFromEnv } from './aws-sandbox';
import { type Runtime, runtime, withPart } from './runtime';

/**
 * The runtime with the sandbox's per-run side (the Fargate tier's runner task),
 * for the handlers that begin or end runs: StartRun, Finalize, MarkFailed and
 * CancelTask. Added to the process's runtime once; the local host installs a
 * whole runtime (its sandbox keeps nothing per run), which is returned as it is.
 */
export function sandboxRunsRuntime(): Runtime {
  // A runtime with the whole team's sandbox (the local host's) keeps nothing per run.
  if (runtime().gateway) return runtime();
  return withPart('sandboxRuns', (base) => {
    const sandboxRuns = sandboxRunsFromEnv(process.env);
    return { ...base, ...(sandboxRuns ? { sandboxRuns } : {}) };
  });
}
