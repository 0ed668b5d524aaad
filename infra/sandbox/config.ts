import { parseInput } from '@techteam/shared/domain';
import { RUNNER_ENV } from '@techteam/shared/sandbox';
import * as z from '@techteam/shared/zod';

/** The runner's configuration, from its environment (see README). */
export const RunnerConfig = z.object({
  [RUNNER_ENV.queueUrl]: z.url(),
  [RUNNER_ENV.isolation]: z._default(z.enum(['microvm', 'gvisor']), 'microvm'),
  [RUNNER_ENV.idleSeconds]: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 600),
  [RUNNER_ENV.root]: z._default(z.string(), '/var/lib/techteam-sandbox'),
  [RUNNER_ENV.runId]: z.optional(z.string()),
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
