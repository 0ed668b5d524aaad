import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import type { CodeSandbox } from '../agents/sandbox-port';
import { teamSandbox } from '../agents/team-sandbox';
import { ConfigInvalid } from '../errors';
import { AWS_SANDBOX_TIERS, FargateSandbox, GvisorPoolSandbox } from '../sandbox/aws/remote-sandbox';
import type { JobResult, Sandbox, SandboxJobInput } from '../sandbox/job';
import * as z from '../zod';

/**
 * The environment variables a Lambda that runs code reads to reach the AWS
 * sandbox. The CDK stack (infra/aws) sets them from this table, so the names
 * exist once.
 */
export const AWS_SANDBOX_ENV = {
  /** `fargate` (a Fargate task per job) or `ec2-gvisor` (the warm gVisor pool behind one queue). */
  tier: 'TECHTEAM_SANDBOX_TIER',
  /** The bucket job and result objects travel through (the artifacts bucket). */
  bucket: 'TECHTEAM_SANDBOX_BUCKET',
  /** Key prefix for job objects; the runner's role can reach only this prefix. Default `sandbox`. */
  prefix: 'TECHTEAM_SANDBOX_PREFIX',
  /** ec2-gvisor: the pool's job queue. */
  queueUrl: 'TECHTEAM_SANDBOX_QUEUE_URL',
  /** fargate: the ECS cluster, the runner's task definition and its container name. */
  cluster: 'TECHTEAM_SANDBOX_CLUSTER',
  taskDefinition: 'TECHTEAM_SANDBOX_TASK_DEFINITION',
  containerName: 'TECHTEAM_SANDBOX_CONTAINER',
  /** fargate: comma-separated subnet ids (the isolated sandbox subnets) and security group ids. */
  subnets: 'TECHTEAM_SANDBOX_SUBNETS',
  securityGroups: 'TECHTEAM_SANDBOX_SECURITY_GROUPS',
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

const GvisorEnv = z.extend(Common, {
  [E.queueUrl]: z.url('must be an SQS queue URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/q'),
});

const FargateEnv = z.extend(Common, {
  [E.cluster]: z.string().check(z.minLength(1, 'must be an ECS cluster name or ARN')),
  [E.taskDefinition]: z
    .string()
    .check(z.minLength(1, 'must be a task definition family, family:revision or ARN')),
  [E.containerName]: z._default(z.string().check(z.minLength(1)), 'runner'),
  [E.subnets]: idList(/^subnet-[0-9a-f]+$/, 'subnet-0abc,subnet-0def'),
  [E.securityGroups]: idList(/^sg-[0-9a-f]+$/, 'sg-0abc'),
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

/**
 * The Fargate tier behind a port that knows no task: the CodeSandbox interface
 * carries no run id, so each job gets its own Fargate task (its own microVM),
 * stopped when the job ends. Never shared between runs, at the price of a
 * task start per job.
 */
class FargateTaskPerJob implements Sandbox {
  readonly isolation = 'microvm' as const;
  constructor(private readonly deps: Omit<ConstructorParameters<typeof FargateSandbox>[0], 'runId'>) {}

  async run(job: SandboxJobInput, options: { signal?: AbortSignal } = {}): Promise<JobResult> {
    const runId = ulid().toLowerCase();
    const sandbox = new FargateSandbox({ ...this.deps, runId, prefix: `${this.deps.prefix}/${runId}` });
    try {
      return await sandbox.run(job, options);
    } finally {
      // A failed stop must not hide the job's own result or error; the runner also stops itself when idle.
      await sandbox.stop('sandbox job finished').catch(() => undefined);
    }
  }
}

/**
 * The AWS sandbox a Lambda that runs code uses, from its environment; undefined
 * when no sandbox variable is set (functions that run no code). An invalid or
 * missing variable throws ConfigInvalid naming it.
 */
export function sandboxFromEnv(env: Record<string, string | undefined>): CodeSandbox | undefined {
  const anySet = Object.values(E).some((k) => env[k] !== undefined && env[k] !== '');
  if (!anySet) return undefined;
  const tier = env[E.tier];
  if (!tier) throw new ConfigInvalid(E.tier, `is not set: must be one of ${AWS_SANDBOX_TIERS.join(', ')}`);
  const region = env['AWS_REGION'];
  const clientConfig = region ? { region } : {};
  if (tier === 'ec2-gvisor') {
    const c = parseEnv(GvisorEnv, env);
    const sandbox = new GvisorPoolSandbox({
      s3: new S3Client(clientConfig),
      sqs: new SQSClient(clientConfig),
      bucket: c[E.bucket],
      prefix: c[E.prefix],
      queueUrl: c[E.queueUrl],
    });
    return teamSandbox(sandbox, 'ec2-gvisor (runsc on the EC2 warm pool)');
  }
  if (tier === 'fargate') {
    const c = parseEnv(FargateEnv, env);
    const sandbox = new FargateTaskPerJob({
      s3: new S3Client(clientConfig),
      sqs: new SQSClient(clientConfig),
      ecs: new ECSClient(clientConfig),
      bucket: c[E.bucket],
      prefix: c[E.prefix],
      cluster: c[E.cluster],
      taskDefinition: c[E.taskDefinition],
      containerName: c[E.containerName],
      subnets: c[E.subnets],
      securityGroups: c[E.securityGroups],
    });
    return teamSandbox(sandbox, 'fargate (a Fargate task per job)');
  }
  throw new ConfigInvalid(
    E.tier,
    `is invalid (${JSON.stringify(tier)}): must be one of ${AWS_SANDBOX_TIERS.join(', ')}`,
  );
}
