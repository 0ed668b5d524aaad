import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { FargateSandbox, GvisorPoolSandbox } from '../sandbox/aws/remote-sandbox';
import type { JobResult, Sandbox, SandboxJobInput } from '../sandbox/job';
import type { AwsSandboxConfig } from './aws-sandbox';

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

/** The clients and sandbox of a tier (imported on the first job, see SandboxOnFirstJob). */
export function awsSandbox(config: AwsSandboxConfig): Sandbox {
  const clientConfig = config.region ? { region: config.region } : {};
  const s3 = new S3Client(clientConfig);
  const sqs = new SQSClient(clientConfig);
  if (config.tier === 'ec2-gvisor')
    return new GvisorPoolSandbox({
      s3,
      sqs,
      bucket: config.bucket,
      prefix: config.prefix,
      queueUrl: config.queueUrl,
    });
  return new FargateTaskPerJob({
    s3,
    sqs,
    ecs: new ECSClient(clientConfig),
    bucket: config.bucket,
    prefix: config.prefix,
    cluster: config.cluster,
    taskDefinition: config.taskDefinition,
    containerName: config.containerName,
    subnets: config.subnets,
    securityGroups: config.securityGroups,
  });
}
