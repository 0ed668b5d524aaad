import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SandboxRuns } from '../agents/sandbox-port';
import { FargateSandbox, type FargateSandboxDeps, GvisorPoolSandbox } from '../sandbox/aws/remote-sandbox';
import { SandboxFailed } from '../sandbox/errors';
import type { JobResult, Sandbox, SandboxJobInput, SandboxRunOptions } from '../sandbox/job';
import type { AwsSandboxConfig } from './aws-sandbox-config';

/**
 * The Fargate tier for every run: a job goes to its run's runner task (found or
 * started by the run id), and the run's start and end start and stop it.
 */
class FargateRuns implements Sandbox, SandboxRuns {
  readonly isolation = 'microvm' as const;

  constructor(private readonly deps: Omit<FargateSandboxDeps, 'runId'>) {}

  /**
   * A fresh handle per call, nothing kept: a warm container serves many runs, and another
   * process may end a run (and delete its queue) at any time; the handle finds both again.
   */
  private forRun(runId: string): FargateSandbox {
    return new FargateSandbox({ ...this.deps, runId, prefix: `${this.deps.prefix}/${runId}` });
  }

  async run(job: SandboxJobInput, options: SandboxRunOptions = {}): Promise<JobResult> {
    if (!options.runId) throw new SandboxFailed('microvm', 'a Fargate sandbox job must name its task run');
    return this.forRun(options.runId).run(job, options);
  }

  async start(runId: string): Promise<void> {
    await this.forRun(runId).start();
  }

  async end(runId: string): Promise<void> {
    await this.forRun(runId).stop('task run ended');
  }
}

/** A tier's sandbox, and for the Fargate tier its per-run runners. */
export interface AwsSandbox {
  sandbox: Sandbox;
  runs?: SandboxRuns;
}

/** The clients and sandbox of a tier (imported on the first job, see SandboxOnFirstJob). */
export function awsSandbox(config: AwsSandboxConfig): AwsSandbox {
  const clientConfig = config.region ? { region: config.region } : {};
  const s3 = new S3Client(clientConfig);
  const sqs = new SQSClient(clientConfig);
  if (config.tier === 'ec2-gvisor')
    return {
      sandbox: new GvisorPoolSandbox({
        s3,
        sqs,
        bucket: config.bucket,
        prefix: config.prefix,
        queueUrl: config.queueUrl,
      }),
    };
  const runs = new FargateRuns({
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
  return { sandbox: runs, runs };
}
