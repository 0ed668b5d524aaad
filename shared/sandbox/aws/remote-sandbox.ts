import { type ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
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
  /** Makes sure a runner will read the queue: before a job is sent, and now and then while it waits. */
  protected async keepServed(): Promise<void> {}

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
    const queueUrl = await this.queueUrl();
    await this.keepServed();
    const message: JobMessage = { jobId, bucket, jobKey, resultKey };
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message) }));
    const waitMs = job.limits.wallMs + (this.deps.graceMs ?? 120_000);
    const deadline = Date.now() + waitMs;
    const pause = this.deps.pause ?? defaultPause;
    let waited = 0;
    let lastCheck = 0;
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
      waited += delay;
      // A runner that idled out or died between our check and the job would leave it unread.
      // A failed check (a throttled ListTasks) is tried again at the next one; the deadline
      // bounds the wait either way, and the result may still come.
      if (waited - lastCheck >= KEEP_SERVED_EVERY_MS) {
        lastCheck = waited;
        await this.keepServed().catch(() => undefined);
      }
    }
  }
}

/** What a run id may be: it goes into a queue name and ECS's 36-character startedBy (with `tt-`). */
const RUN_ID = /^[A-Za-z0-9_-]{1,33}$/;

/** How often a waiting job checks that its run still has a runner. */
const KEEP_SERVED_EVERY_MS = 30_000;

/** Where a run's runner task is placed: a Fargate task, or a task on the gVisor hosts' capacity provider. */
export type RunnerPlacement =
  | { tier: 'fargate' }
  | { tier: 'ec2-gvisor' /** The ECS capacity provider of the gVisor hosts. */; capacityProvider: string };

export interface RunnerPerRunDeps extends RemoteSandboxDeps {
  ecs: ECSClient;
  /** The task run this sandbox serves (the task id): names its queue and tags its runner. */
  runId: string;
  placement: RunnerPlacement;
  cluster: string;
  taskDefinition: string;
  /** The runner container's name in the task definition. */
  containerName: string;
  subnets: string[];
  securityGroups: string[];
  /** The runner stops itself after this long without a job. */
  idleSeconds?: number;
}

const ISOLATION_OF = { fargate: 'microvm', 'ec2-gvisor': 'gvisor' } as const satisfies Record<
  RunnerPlacement['tier'],
  Isolation
>;

/**
 * Both AWS tiers: one runner task per task run, with a queue of its own, reading only that
 * queue with credentials scoped to the run (run-credentials.ts). On Fargate the task is its
 * own microVM and jobs run in it as an unprivileged user; on ec2-gvisor it is a task on the
 * gVisor hosts and each job runs under runsc. It stops when the run ends or idles. No two runs
 * (so no two tenants) share a runner.
 *
 * Holds no state a later Lambda needs: the queue is named after the run and
 * CreateQueue returns the existing one, and the runner is found by its
 * `startedBy` (`tt-<run id>`). So StartRun can start it (hiding the task's start-up behind
 * the first steps), the step Lambdas find it, and Finalize, MarkFailed or a
 * cancel stop it, each in its own process. Two steps that find no runner at
 * the same moment both start one; both serve the same queue and both stop
 * with the run.
 */
export class RunnerPerRunSandbox extends QueueSandbox {
  readonly isolation: Isolation;
  private queue: Promise<string> | undefined;

  constructor(private readonly perRun: RunnerPerRunDeps) {
    super(perRun);
    this.isolation = ISOLATION_OF[perRun.placement.tier];
    // The run id names AWS resources whose names allow no more: a longer id would have to be
    // cut, and two runs could then share a runner.
    if (!RUN_ID.test(perRun.runId))
      throw new SandboxFailed(
        this.isolation,
        `run id ${JSON.stringify(perRun.runId)} must be 1-33 letters, digits, _ or - (it names the run's queue and runner)`,
      );
  }

  /** The run's queue and a runner reading it, started if there is none (idempotent). */
  async start(): Promise<{ queueUrl: string; taskArn: string }> {
    const queueUrl = await this.queueUrl();
    return { queueUrl, taskArn: await this.ensureRunner(queueUrl) };
  }

  protected queueUrl(): Promise<string> {
    this.queue ??= this.createQueue().catch((e) => {
      this.queue = undefined;
      throw e;
    });
    return this.queue;
  }

  protected override async keepServed(): Promise<void> {
    await this.ensureRunner(await this.queueUrl());
  }

  private get queueName(): string {
    return `${SANDBOX_RUN_QUEUE_PREFIX}${this.perRun.runId}`;
  }

  /** ECS allows 36 characters here: `tt-` and a task id (`tsk_` + 26) fit. */
  private get startedBy(): string {
    return `tt-${this.perRun.runId}`;
  }

  private async createQueue(): Promise<string> {
    const f = this.perRun;
    let queueUrl: string | undefined;
    try {
      const queue = await f.sqs.send(
        new CreateQueueCommand({
          QueueName: this.queueName,
          Attributes: {
            MessageRetentionPeriod: '3600',
            VisibilityTimeout: String(JOB_VISIBILITY_TIMEOUT_SECONDS),
          },
          tags: { 'techteam:run': f.runId },
        }),
      );
      queueUrl = queue.QueueUrl;
    } catch (e) {
      // SQS refuses a queue name for 60 s after its queue was deleted: a task resumed right
      // after its run ended. Said plainly, since waiting is all it takes.
      if (!/QueueDeletedRecently/.test((e as Error).name)) throw e;
      throw new SandboxFailed(
        this.isolation,
        "this run's sandbox queue was deleted less than a minute ago (the run had just ended); run the job again in a minute",
      );
    }
    if (!queueUrl) throw new SandboxFailed(this.isolation, 'CreateQueue returned no queue URL');
    return queueUrl;
  }

  /** The run's runner tasks that are starting or running. */
  private async runners(): Promise<string[]> {
    const f = this.perRun;
    const listed = await f.ecs.send(
      new ListTasksCommand({ cluster: f.cluster, startedBy: this.startedBy, desiredStatus: 'RUNNING' }),
    );
    return listed.taskArns ?? [];
  }

  private async ensureRunner(queueUrl: string): Promise<string> {
    const [running] = await this.runners();
    if (running) return running;
    const f = this.perRun;
    const task = await f.ecs.send(
      new RunTaskCommand({
        cluster: f.cluster,
        taskDefinition: f.taskDefinition,
        ...(f.placement.tier === 'fargate'
          ? { launchType: 'FARGATE' as const }
          : { capacityProviderStrategy: [{ capacityProvider: f.placement.capacityProvider, weight: 1 }] }),
        count: 1,
        startedBy: this.startedBy,
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
                { name: RUNNER_ENV.isolation, value: this.isolation },
                { name: RUNNER_ENV.idleSeconds, value: String(f.idleSeconds ?? 600) },
                { name: RUNNER_ENV.runId, value: f.runId },
              ],
            },
          ],
        },
        tags: [{ key: 'techteam:run', value: f.runId }],
      }),
    );
    const taskArn = task.tasks?.[0]?.taskArn;
    if (!taskArn) {
      const why =
        task.failures?.map((x) => `${x.reason ?? ''} ${x.detail ?? ''}`.trim()).join('; ') || 'no task';
      throw new SandboxFailed(this.isolation, `RunTask started no task: ${why}`);
    }
    return taskArn;
  }

  /**
   * Stops the run's runners and deletes its queue: when the run ends, from any
   * process. Safe when none was ever started. The queue is deleted even when a
   * StopTask fails (that error is then thrown).
   */
  async stop(reason = 'task run ended'): Promise<void> {
    const f = this.perRun;
    this.queue = undefined;
    let failure: unknown;
    try {
      for (const task of await this.runners()) {
        try {
          await f.ecs.send(new StopTaskCommand({ cluster: f.cluster, task, reason }));
        } catch (e) {
          failure ??= e;
        }
      }
    } finally {
      await this.deleteQueue();
    }
    if (failure) throw failure;
  }

  private async deleteQueue(): Promise<void> {
    const f = this.perRun;
    let queueUrl: string | undefined;
    try {
      queueUrl = (await f.sqs.send(new GetQueueUrlCommand({ QueueName: this.queueName }))).QueueUrl;
    } catch (e) {
      if (isMissingQueue(e)) return;
      throw e;
    }
    if (queueUrl) await f.sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  }
}

const isMissingQueue = (e: unknown) =>
  ['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue'].includes((e as Error).name);
