import { parseInput } from '@techteam/shared/domain';
import { RUNNER_ENV } from '@techteam/shared/sandbox';
import { z } from 'zod';

/** The runner's configuration, from its environment (see README). */
export const RunnerConfig = z.object({
  [RUNNER_ENV.queueUrl]: z.string().url(),
  [RUNNER_ENV.isolation]: z.enum(['microvm', 'gvisor']).default('microvm'),
  [RUNNER_ENV.idleSeconds]: z.coerce.number().int().min(1).default(600),
  [RUNNER_ENV.root]: z.string().default('/var/lib/techteam-sandbox'),
  [RUNNER_ENV.runId]: z.string().optional(),
});
export type RunnerConfig = z.output<typeof RunnerConfig>;

export function loadRunnerConfig(env: Record<string, string | undefined>): RunnerConfig {
  const picked = Object.fromEntries(
    Object.values(RUNNER_ENV)
      .map((k) => [k, env[k]])
      .filter(([, v]) => v !== undefined),
  );
  return parseInput(RunnerConfig, picked, 'runner environment');
}
