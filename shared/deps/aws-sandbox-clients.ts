import { ECSClient } from '@aws-sdk/client-ecs';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { SandboxRunners } from '../agents/sandbox-port';
import type { AwsSandboxConfig } from '../sandbox/aws/config';
import {
  type RunnerPerRunDeps,
  RunnerPerRunSandbox,
  type RunnerPlacement,
} from '../sandbox/aws/remote-sandbox';
import { SandboxFailed } from '../sandbox/errors';
import type { Isolation, JobResult, Sandbox, SandboxJobInput, SandboxRunOptions } from '../sandbox/job';
import { traceAwsClient } from './tracing';

/**
 * Either tier for every run: a job goes to its run's runner task (found or started by the
 * run id), and the run's start and end start and stop it.
 */
class RunnerPerRun implements Sandbox, SandboxRunners {
  readonly isolation: Isolation;

  constructor(private readonly deps: Omit<RunnerPerRunDeps, 'runId'>) {
    this.isolation = deps.placement.tier === 'fargate' ? 'microvm' : 'gvisor';
  }

  /**
   * A fresh handle per call, nothing kept: a warm container serves many runs, and another
   * process may end a run (and delete its queue) at any time; the handle finds both again.
   */
  private forRun(runId: string): RunnerPerRunSandbox {
    return new RunnerPerRunSandbox({ ...this.deps, runId, prefix: `${this.deps.prefix}/${runId}` });
  }

  async run(job: SandboxJobInput, options: SandboxRunOptions = {}): Promise<JobResult> {
    if (!options.runId)
      throw new SandboxFailed(this.isolation, 'a sandbox job on AWS must name its task run');
    return this.forRun(options.runId).run(job, options);
  }

  async start(runId: string): Promise<void> {
    await this.forRun(runId).start();
  }

  async end(runId: string): Promise<void> {
    await this.forRun(runId).stop('task run ended');
  }
}

/** A tier's sandbox and its per-run runners (the same object: both tiers run a runner per run). */
export interface AwsSandbox {
  sandbox: Sandbox;
  runs: SandboxRunners;
}

/** The clients and sandbox of a tier (imported on the first job, see SandboxOnFirstJob). */
export function awsSandbox(config: AwsSandboxConfig): AwsSandbox {
  const clientConfig = config.region ? { region: config.region } : {};
  const placement: RunnerPlacement =
    config.tier === 'fargate'
      ? { tier: 'fargate' }
      : { tier: 'ec2-gvisor', capacityProvider: config.capacityProvider };
  const runs = new RunnerPerRun({
    s3: traceAwsClient(new S3Client(clientConfig)),
    sqs: traceAwsClient(new SQSClient(clientConfig)),
    ecs: traceAwsClient(new ECSClient(clientConfig)),
    placement,
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
