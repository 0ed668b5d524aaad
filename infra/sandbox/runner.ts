import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isTechteamError } from '@techteam/shared/errors';
import {
  JobMessage,
  type JobResult,
  parseJob,
  type Sandbox,
  type SandboxJob,
} from '@techteam/shared/sandbox';

/** Where job messages come from: SQS on AWS, an in-memory list in tests. */
export interface JobQueue {
  /** The next message, or null when none came within the queue's wait. */
  receive(): Promise<{ body: string; ack(): Promise<void> } | null>;
}

/** Where jobs and results live: S3 on AWS, a Map in tests. */
export interface ObjectStore {
  get(bucket: string, key: string): Promise<string | null>;
  put(bucket: string, key: string, body: string): Promise<void>;
}

export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async receive() {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 20 }),
    );
    const m = out.Messages?.[0];
    if (!m?.Body) return null;
    return {
      body: m.Body,
      ack: async () => {
        await this.sqs.send(
          new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: m.ReceiptHandle }),
        );
      },
    };
  }
}

export class S3ObjectStore implements ObjectStore {
  constructor(private readonly s3: S3Client) {}

  async get(bucket: string, key: string): Promise<string | null> {
    try {
      const obj = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await obj.Body?.transformToString('utf8')) ?? '';
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey') return null;
      throw e;
    }
  }

  async put(bucket: string, key: string, body: string): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  }
}

function failedResult(jobId: string, isolation: Sandbox['isolation'], message: string): JobResult {
  return {
    jobId,
    isolation,
    exitCode: 125,
    signal: null,
    stdout: '',
    stderr: `sandbox runner: ${message}\n`,
    stdoutTruncated: false,
    stderrTruncated: false,
    limit: null,
    limitsReached: [],
    files: { changed: {}, deleted: [], skipped: [] },
    timings: { prepareMs: 0, runMs: 0, collectMs: 0, totalMs: 0 },
    warnings: [],
  };
}

/**
 * One job: fetch it (with its files) from the store, run it in the
 * sandbox, write the result (with the changed files) beside it.
 * A job that cannot run still gets a result (exit code 125 and the reason),
 * so the adapter never waits for nothing.
 */
export async function runJobMessage(
  body: string,
  deps: { store: ObjectStore; sandbox: Sandbox },
): Promise<JobResult> {
  const message = JobMessage.parse(JSON.parse(body));
  const { store, sandbox } = deps;
  let result: JobResult;
  try {
    const raw = await store.get(message.bucket, message.jobKey);
    if (raw === null) throw new Error(`job object ${message.jobKey} is missing`);
    const job = parseJob(JSON.parse(raw));
    result = await sandbox.run(job satisfies SandboxJob);
  } catch (e) {
    const why = isTechteamError(e) || e instanceof Error ? e.message : String(e);
    result = failedResult(message.jobId, sandbox.isolation, why);
  }
  result = { ...result, jobId: message.jobId };
  await store.put(message.bucket, message.resultKey, JSON.stringify(result));
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The run a runner serves: its job objects are `<bucket>/<prefix>/<runId>/…` and nothing else. */
export interface ServedRun {
  bucket: string;
  prefix: string;
  runId: string;
}

/** Whether a job message points inside the served run's objects (both the job and where its result goes). */
export function isJobOfRun(message: JobMessage, run: ServedRun): boolean {
  const root = `${run.prefix.replace(/\/+$/, '')}/${run.runId}/`;
  const inside = (key: string) => key.startsWith(root) && !key.split('/').includes('..');
  return message.bucket === run.bucket && inside(message.jobKey) && inside(message.resultKey);
}

/**
 * The runner's loop: take a job, run it, acknowledge it; return after
 * `idleMs` without a job (the runner's task then ends).
 */
export async function serveJobs(deps: {
  queue: JobQueue;
  store: ObjectStore;
  sandbox: Sandbox;
  idleMs: number;
  /**
   * The one run this runner serves (on AWS, always). A message naming another run's objects is
   * deleted unrun: its credentials could not reach them anyway, and no runner runs two runs' jobs.
   */
  run?: ServedRun;
  signal?: AbortSignal;
  now?: () => number;
  log?: (line: string) => void;
}): Promise<{ jobs: number }> {
  const now = deps.now ?? Date.now;
  let lastJob = now();
  let jobs = 0;
  while (!deps.signal?.aborted) {
    const message = await deps.queue.receive();
    if (!message) {
      if (now() - lastJob >= deps.idleMs) break;
      continue;
    }
    lastJob = now();
    const parsed = JobMessage.safeParse(parseJson(message.body));
    if (!parsed.success) {
      // It can never run: acknowledge it so it is not received again, and keep serving.
      deps.log?.(
        JSON.stringify({ error: 'malformed job message, deleted', body: message.body.slice(0, 200) }),
      );
      await message.ack();
      continue;
    }
    if (deps.run && !isJobOfRun(parsed.data, deps.run)) {
      deps.log?.(
        JSON.stringify({
          error: "job message of another run's objects, deleted unrun",
          runId: deps.run.runId,
          jobKey: parsed.data.jobKey.slice(0, 200),
        }),
      );
      await message.ack();
      continue;
    }
    let result: JobResult;
    try {
      result = await runJobMessage(message.body, deps);
    } catch (e) {
      // Not acknowledged: the queue hands it out again (and dead-letters it after a few tries).
      deps.log?.(JSON.stringify({ error: 'job message failed', reason: (e as Error).message ?? String(e) }));
      continue;
    }
    await message.ack();
    jobs++;
    lastJob = now();
    deps.log?.(
      JSON.stringify({
        jobId: result.jobId,
        exitCode: result.exitCode,
        limit: result.limit,
        ms: result.timings.totalMs,
      }),
    );
  }
  return { jobs };
}
