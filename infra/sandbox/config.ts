import { parseInput } from '@techteam/shared/domain';
import { InvalidInput } from '@techteam/shared/errors';
import { RUNNER_ENV } from '@techteam/shared/sandbox';
import type { RunScope } from '@techteam/shared/sandbox/aws';
import * as z from '@techteam/shared/zod';

/** The runner's configuration, from its environment (see README). */
export const RunnerConfig = z.object({
  [RUNNER_ENV.queueUrl]: z.url(),
  [RUNNER_ENV.isolation]: z._default(z.enum(['microvm', 'gvisor']), 'microvm'),
  [RUNNER_ENV.idleSeconds]: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 600),
  [RUNNER_ENV.root]: z._default(z.string(), '/var/lib/techteam-sandbox'),
  [RUNNER_ENV.runId]: z.optional(z.string()),
  [RUNNER_ENV.runRoleArn]: z.optional(
    z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\//, 'must be an IAM role ARN')),
  ),
  [RUNNER_ENV.bucket]: z.optional(z.string().check(z.minLength(3))),
  [RUNNER_ENV.prefix]: z._default(z.string().check(z.minLength(1)), 'sandbox'),
});
export type RunnerConfig = z.output<typeof RunnerConfig>;

export function loadRunnerConfig(env: Record<string, string | undefined>): RunnerConfig {
  const picked = Object.fromEntries(
    Object.values(RUNNER_ENV)
      .map((k) => [k, env[k]])
      .filter(([, v]) => v !== undefined),
  );
  const config = parseInput(RunnerConfig, picked, 'runner environment');
  // A run role without its run and bucket could not be narrowed to the run: refuse, naming what is missing.
  if (config[RUNNER_ENV.runRoleArn]) {
    for (const name of [RUNNER_ENV.runId, RUNNER_ENV.bucket] as const)
      if (!config[name])
        throw new InvalidInput(`${name} must be set with ${RUNNER_ENV.runRoleArn}`, [
          { path: name, message: 'is required with a run role' },
        ]);
  }
  return config;
}

/** The run this runner's credentials are scoped to, or undefined (local tests, which have no run role). */
export function runScope(config: RunnerConfig): RunScope | undefined {
  const roleArn = config[RUNNER_ENV.runRoleArn];
  const runId = config[RUNNER_ENV.runId];
  const bucket = config[RUNNER_ENV.bucket];
  if (!roleArn || !runId || !bucket) return undefined;
  return { roleArn, runId, bucket, prefix: config[RUNNER_ENV.prefix], queueUrl: config[RUNNER_ENV.queueUrl] };
}
