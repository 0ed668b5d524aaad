import { sandboxRunnersFromEnv } from './aws-sandbox';
import { type Deps, deps, withPart } from './deps';

/**
 * The runtime with the sandbox's per-run side (the Fargate tier's runner task),
 * for the handlers that begin or end runs: StartRun, Finalize, MarkFailed and
 * CancelTask. Added to the process's runtime once; the local host installs a
 * whole runtime (its sandbox keeps nothing per run), which is returned as it is.
 */
export function sandboxRunnersDeps(): Deps {
  // A runtime with the whole team's sandbox (the local host's) keeps nothing per run.
  if (deps().gateway) return deps();
  return withPart('sandboxRunners', (base) => {
    const sandboxRunners = sandboxRunnersFromEnv(process.env);
    return { ...base, ...(sandboxRunners ? { sandboxRunners } : {}) };
  });
}
