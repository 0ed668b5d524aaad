import { type ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ulid } from 'ulid';
import { SandboxFailed, SandboxResultTimeout, WorkspaceTooLarge } from '../errors';
import {
  type Isolation,
  JobResult,
  parseJob,
  type Sandbox,
  type SandboxJobInput,
  workspaceBytes,
} from '../job';
import {
  JOB_VISIBILITY_TIMEOUT_SECONDS,
  type JobMessage,
  jobKeys,
  RUNNER_ENV,
  SANDBOX_RUN_QUEUE_PREFIX,
} from './protocol';

export interface RemoteSandboxDeps {
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  /** S3 prefix for job and result objects, e.g. `<tenant>/<task>/sandbox`. */
  prefix: string;
  /** Extra time past the job's wall limit before giving up on a result (start-up, transfer). */
  graceMs?: number;
  /** Waits between result polls; injectable so tests need no real time. */
  pause?: (ms: number) => Promise<void>;
}

const defaultPause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A sandbox on AWS: the job goes to S3, a message to the runners' queue, and
 * the runner's JobResult comes back as an S3 object, polled with backoff.
 */
abstract class QueueSandbox implements Sandbox {
  abstract readonly isolation: Isolation;
  protected abstract queueUrl(): Promise<string>;

  constructor(protected readonly deps: RemoteSandboxDeps) {}

  async run(input: SandboxJobInput, options: { signal?: AbortSignal } = {}): Promise<JobResult> {
    const job = parseJob(input);
    const size = workspaceBytes(job.files);
    if (size > job.limits.workspaceBytes) throw new WorkspaceTooLarge(size, job.limits.workspaceBytes);
    const jobId = ulid().toLowerCase();
    const { jobKey, resultKey } = jobKeys(this.deps.prefix, jobId);
    const { s3, sqs, bucket } = this.deps;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: jobKey,
        Body: JSON.stringify(job),
        ContentType: 'application/json',
      }),
    );
    const message: JobMessage = { jobId, bucket, jobKey, resultKey };
    await sqs.send(
      new SendMessageCommand({ QueueUrl: await this.queueUrl(), MessageBody: JSON.stringify(message) }),
    );
    const waitMs = job.limits.wallMs + (this.deps.graceMs ?? 120_000);
    const deadline = Date.now() + waitMs;
    const pause = this.deps.pause ?? defaultPause;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
      if (options.signal?.aborted) throw new SandboxFailed(this.isolation, `job ${jobId} was cancelled`);
      try {
        const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: resultKey }));
        const text = (await obj.Body?.transformToString('utf8')) ?? '';
        return JobResult.parse(JSON.parse(text));
      } catch (e) {
        const name = (e as Error).name;
        if (name !== 'NoSuchKey' && name !== 'NotFound') throw e;
      }
      if (Date.now() > deadline) throw new SandboxResultTimeout(jobId, waitMs);
      await pause(delay);
    }
  }
}

export interface FargateSandboxDeps extends RemoteSandboxDeps {
  ecs: ECSClient;
  runId: string;
  cluster: string;
  taskDefinition: string;
  /** The runner container's name in the task definition. */
  containerName: string;
  subnets: string[];
  securityGroups: string[];
  /** The runner stops itself after this long without a job. */
  idleSeconds?: number;
}

/**
 * The default AWS tier: one Fargate task (its own microVM) per task run,
 * started when the run begins, with a queue of its own; all of the run's jobs
 * execute in it as an unprivileged user, and it stops when the run ends or
 * idles. No two runs share a task.
 */
export class FargateSandbox extends QueueSandbox {
  readonly isolation = 'microvm' as const;
  private started: Promise<{ queueUrl: string; taskArn: string }> | undefined;

  constructor(private readonly fargate: FargateSandboxDeps) {
    super(fargate);
  }

  /** Starts the run's task (idempotent). Call it when the run begins so start-up hides behind planning. */
  start(): Promise<{ queueUrl: string; taskArn: string }> {
    this.started ??= this.launch();
    return this.started;
  }

  protected async queueUrl(): Promise<string> {
    return (await this.start()).queueUrl;
  }

  private async launch(): Promise<{ queueUrl: string; taskArn: string }> {
    const f = this.fargate;
    const queue = await f.sqs.send(
      new CreateQueueCommand({
        QueueName: `${SANDBOX_RUN_QUEUE_PREFIX}${f.runId}`.slice(0, 80),
        Attributes: {
          MessageRetentionPeriod: '3600',
          VisibilityTimeout: String(JOB_VISIBILITY_TIMEOUT_SECONDS),
        },
        tags: { 'techteam:run': f.runId },
      }),
    );
    if (!queue.QueueUrl) throw new SandboxFailed('microvm', 'CreateQueue returned no queue URL');
    const queueUrl = queue.QueueUrl;
    let taskArn: string | undefined;
    try {
      const task = await f.ecs.send(
        new RunTaskCommand({
          cluster: f.cluster,
          taskDefinition: f.taskDefinition,
          launchType: 'FARGATE',
          count: 1,
          startedBy: `techteam-${f.runId}`.slice(0, 36),
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: f.subnets,
              securityGroups: f.securityGroups,
              assignPublicIp: 'DISABLED',
            },
          },
          overrides: {
            containerOverrides: [
              {
                name: f.containerName,
                environment: [
                  { name: RUNNER_ENV.queueUrl, value: queueUrl },
                  { name: RUNNER_ENV.isolation, value: 'microvm' },
                  { name: RUNNER_ENV.idleSeconds, value: String(f.idleSeconds ?? 600) },
                  { name: RUNNER_ENV.runId, value: f.runId },
                ],
              },
            ],
          },
          tags: [{ key: 'techteam:run', value: f.runId }],
        }),
      );
      taskArn = task.tasks?.[0]?.taskArn;
      if (!taskArn) {
        const why =
          task.failures?.map((x) => `${x.reason ?? ''} ${x.detail ?? ''}`.trim()).join('; ') || 'no task';
        throw new SandboxFailed('microvm', `RunTask started no task: ${why}`);
      }
    } finally {
      // No task (RunTask failed or threw): nothing will ever read the queue.
      if (!taskArn) await f.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
    }
    return { queueUrl, taskArn };
  }

  /** Stops the run's task and deletes its queue. Safe to call when it never started. */
  async stop(reason = 'task run ended'): Promise<void> {
    if (!this.started) return;
    const started = this.started;
    this.started = undefined;
    let handle: { queueUrl: string; taskArn: string };
    try {
      handle = await started;
    } catch {
      return;
    }
    const f = this.fargate;
    try {
      await f.ecs.send(new StopTaskCommand({ cluster: f.cluster, task: handle.taskArn, reason }));
    } finally {
      await f.sqs.send(new DeleteQueueCommand({ QueueUrl: handle.queueUrl }));
    }
  }
}

/**
 * The stricter AWS tier: a warm pool of runner tasks on EC2 container
 * instances that run each job under runsc (gVisor), pulling from one queue.
 */
export class GvisorPoolSandbox extends QueueSandbox {
  readonly isolation = 'gvisor' as const;

  constructor(private readonly pool: RemoteSandboxDeps & { queueUrl: string }) {
    super(pool);
  }

  protected async queueUrl(): Promise<string> {
    return this.pool.queueUrl;
  }
}
