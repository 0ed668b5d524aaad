import { ConfigInvalid } from '../../errors';
import * as z from '../../zod';
import { AWS_SANDBOX_TIERS } from './protocol';

/**
 * The environment variables a Lambda that runs code reads to reach the AWS
 * sandbox. The CDK stack (infra/aws) sets them from this table, so the names
 * exist once.
 */
export const AWS_SANDBOX_ENV = {
  /** `fargate` (a Fargate task per task run) or `ec2-gvisor` (a runner task on the gVisor hosts per task run). */
  tier: 'TECHTEAM_SANDBOX_TIER',
  /** The bucket job and result objects travel through (the artifacts bucket). */
  bucket: 'TECHTEAM_SANDBOX_BUCKET',
  /** Key prefix for job objects; the runner's role can reach only this prefix. Default `sandbox`. */
  prefix: 'TECHTEAM_SANDBOX_PREFIX',
  /** The ECS cluster, the runner's task definition and its container name. */
  cluster: 'TECHTEAM_SANDBOX_CLUSTER',
  taskDefinition: 'TECHTEAM_SANDBOX_TASK_DEFINITION',
  containerName: 'TECHTEAM_SANDBOX_CONTAINER',
  /** Comma-separated subnet ids (the isolated sandbox subnets) and security group ids. */
  subnets: 'TECHTEAM_SANDBOX_SUBNETS',
  securityGroups: 'TECHTEAM_SANDBOX_SECURITY_GROUPS',
  /** ec2-gvisor: the ECS capacity provider of the gVisor hosts, where a run's runner is placed. */
  capacityProvider: 'TECHTEAM_SANDBOX_CAPACITY_PROVIDER',
} as const;

const E = AWS_SANDBOX_ENV;

const idList = (pattern: RegExp, example: string) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((s: string) => s.split(',').map((x) => x.trim())),
    ),
    z
      .array(z.string().check(z.regex(pattern, `must be comma-separated ids such as ${example}`)))
      .check(z.minLength(1)),
  );

const Common = z.object({
  [E.bucket]: z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')),
  [E.prefix]: z._default(
    z
      .string()
      .check(
        z.regex(
          /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/,
          'must be an S3 key prefix without leading or trailing /',
        ),
      ),
    'sandbox',
  ),
});

const RunnerEnv = z.extend(Common, {
  [E.cluster]: z.string().check(z.minLength(1, 'must be an ECS cluster name or ARN')),
  [E.taskDefinition]: z
    .string()
    .check(z.minLength(1, 'must be a task definition family, family:revision or ARN')),
  [E.containerName]: z._default(z.string().check(z.minLength(1)), 'runner'),
  [E.subnets]: idList(/^subnet-[0-9a-f]+$/, 'subnet-0abc,subnet-0def'),
  [E.securityGroups]: idList(/^sg-[0-9a-f]+$/, 'sg-0abc'),
});

const GvisorEnv = z.extend(RunnerEnv, {
  [E.capacityProvider]: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be an ECS capacity provider name')),
});

function parseEnv<S extends z.ZodMiniType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const present = Object.fromEntries(
    Object.values(E)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0]);
  const value = env[variable];
  throw new ConfigInvalid(
    variable,
    value === undefined || value === ''
      ? `is not set: ${issue.message}`
      : `is invalid (${JSON.stringify(value)}): ${issue.message}`,
  );
}

/** Where a tier's runners run: the same for both tiers but the placement. */
interface RunnerTaskConfig {
  region?: string;
  bucket: string;
  prefix: string;
  cluster: string;
  taskDefinition: string;
  containerName: string;
  subnets: string[];
  securityGroups: string[];
}

/** A sandbox tier's settings, validated from the environment (what aws-sandbox-clients.ts builds on). */
export type AwsSandboxConfig =
  | (RunnerTaskConfig & { tier: 'fargate' })
  | (RunnerTaskConfig & { tier: 'ec2-gvisor'; capacityProvider: string });

/**
 * The sandbox tier from the environment; undefined when no sandbox variable is
 * set (functions that run no code). An invalid or missing variable throws
 * ConfigInvalid naming it. Builds no client.
 */
export function sandboxConfigFromEnv(env: Record<string, string | undefined>): AwsSandboxConfig | undefined {
  const anySet = Object.values(E).some((k) => env[k] !== undefined && env[k] !== '');
  if (!anySet) return undefined;
  const tier = env[E.tier];
  if (!tier) throw new ConfigInvalid(E.tier, `is not set: must be one of ${AWS_SANDBOX_TIERS.join(', ')}`);
  const region = env['AWS_REGION'] || undefined;
  if (tier !== 'fargate' && tier !== 'ec2-gvisor')
    throw new ConfigInvalid(
      E.tier,
      `is invalid (${JSON.stringify(tier)}): must be one of ${AWS_SANDBOX_TIERS.join(', ')}`,
    );
  const c = parseEnv(RunnerEnv, env);
  const runners: RunnerTaskConfig = {
    region,
    bucket: c[E.bucket],
    prefix: c[E.prefix],
    cluster: c[E.cluster],
    taskDefinition: c[E.taskDefinition],
    containerName: c[E.containerName],
    subnets: c[E.subnets],
    securityGroups: c[E.securityGroups],
  };
  if (tier === 'fargate') return { tier, ...runners };
  return { tier, ...runners, capacityProvider: parseEnv(GvisorEnv, env)[E.capacityProvider] };
}
