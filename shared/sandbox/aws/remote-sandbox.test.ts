import { ECSClient, ListTasksCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SandboxFailed, SandboxResultTimeout } from '../errors';
import { type JobResult, MAX_WALL_MS, SandboxLimits } from '../job';
import { JOB_VISIBILITY_TIMEOUT_SECONDS, SANDBOX_RUN_QUEUE_PREFIX } from './protocol';
import { RunnerPerRunSandbox, type RunnerPlacement } from './remote-sandbox';

const ecs = mockClient(ECSClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

const noSuchKey = () => Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });

function resultFor(jobId: string, isolation: JobResult['isolation']): JobResult {
  return {
    jobId,
    isolation,
    exitCode: 0,
    signal: null,
    stdout: 'ok\n',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    limit: null,
    limitsReached: [],
    files: { changed: { 'out.txt': 'x' }, deleted: [], skipped: [] },
    timings: { prepareMs: 1, runMs: 2, collectMs: 1, totalMs: 4 },
    warnings: [],
  };
}

/** S3 as a Map, and a "runner" that answers each message by writing a result after two polls. */
function fakeRunner(isolation: JobResult['isolation']) {
  const objects = new Map<string, string>();
  s3.on(PutObjectCommand).callsFake((input) => void objects.set(input.Key, String(input.Body)));
  let polls = 0;
  s3.on(GetObjectCommand).callsFake((input) => {
    const body = objects.get(input.Key);
    if (body === undefined || ++polls < 3) throw noSuchKey();
    return { Body: { transformToString: async () => body } };
  });
  sqs.on(SendMessageCommand).callsFake((input) => {
    const m = JSON.parse(input.MessageBody);
    objects.set(m.resultKey, JSON.stringify(resultFor(m.jobId, isolation)));
    return { MessageId: '1' };
  });
  return objects;
}

const base = { bucket: 'jobs', prefix: 't1/task1/sandbox', pause: async () => {} };

function fargate(runId: string, pause = base.pause, placement: RunnerPlacement = { tier: 'fargate' }) {
  return new RunnerPerRunSandbox({
    ...base,
    pause,
    placement,
    s3: new S3Client({}),
    sqs: new SQSClient({}),
    ecs: new ECSClient({}),
    runId,
    cluster: 'sandbox',
    taskDefinition: 'runner:3',
    containerName: 'runner',
    subnets: ['subnet-1'],
    securityGroups: ['sg-1'],
  });
}

/**
 * ECS and SQS as AWS keeps them, across processes: runner tasks by `startedBy`
 * (ListTasks sees the ones not stopped), queues by name (CreateQueue returns
 * the existing one).
 */
function fakeAws() {
  const tasks = new Map<string, { startedBy: string; stopped: boolean }>();
  const queues = new Set<string>();
  let n = 0;
  ecs.on(RunTaskCommand).callsFake((input) => {
    const taskArn = `arn:task/${input.startedBy}/${++n}`;
    tasks.set(taskArn, { startedBy: input.startedBy!, stopped: false });
    return { tasks: [{ taskArn }] };
  });
  ecs.on(ListTasksCommand).callsFake((input) => ({
    taskArns: [...tasks].filter(([, t]) => t.startedBy === input.startedBy && !t.stopped).map(([arn]) => arn),
  }));
  ecs.on(StopTaskCommand).callsFake((input) => {
    tasks.get(input.task)!.stopped = true;
    return {};
  });
  sqs.on(CreateQueueCommand).callsFake((input) => {
    queues.add(input.QueueName);
    return { QueueUrl: `https://sqs/q/${input.QueueName}` };
  });
  sqs.on(GetQueueUrlCommand).callsFake((input) => {
    if (!queues.has(input.QueueName))
      throw Object.assign(new Error('no such queue'), { name: 'QueueDoesNotExist' });
    return { QueueUrl: `https://sqs/q/${input.QueueName}` };
  });
  sqs.on(DeleteQueueCommand).callsFake((input) => {
    queues.delete(String(input.QueueUrl).split('/').pop()!);
    return {};
  });
  /** The runner stops itself (idle), as the runner does after SANDBOX_IDLE_SECONDS. */
  const idleOut = () => {
    for (const t of tasks.values()) t.stopped = true;
  };
  const running = () => [...tasks].filter(([, t]) => !t.stopped).map(([arn]) => arn);
  return { queues, running, idleOut };
}

describe('AWS sandbox adapters', () => {
  beforeEach(() => {
    ecs.reset();
    s3.reset();
    sqs.reset();
  });

  it('fargate: one task per run with its own queue runs all its jobs, found by later processes, stopped when the run ends', async () => {
    const aws = fakeAws();
    const objects = fakeRunner('microvm');
    // StartRun's Lambda starts the run's runner...
    await fargate('run-a').start();
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
    // ...and the step Lambdas, other processes, find it and send their jobs to its queue.
    const step = fargate('run-a');
    const result = await step.run({
      runtime: 'python',
      command: ['python', 'main.py'],
      files: { 'main.py': 'print(1)' },
    });
    await fargate('run-a').run({ runtime: 'python', command: ['python', 'main.py'] });
    expect(result.isolation).toBe('microvm');
    expect(result.files.changed).toEqual({ 'out.txt': 'x' });
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
    const run = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input;
    expect(run).toMatchObject({ launchType: 'FARGATE', cluster: 'sandbox', taskDefinition: 'runner:3' });
    expect(run.startedBy).toBe('tt-run-a');
    expect(run.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe('DISABLED');
    expect(run.overrides?.containerOverrides?.[0]?.environment).toEqual(
      expect.arrayContaining([
        { name: 'SANDBOX_QUEUE_URL', value: 'https://sqs/q/techteam-sandbox-run-a' },
        { name: 'SANDBOX_ISOLATION', value: 'microvm' },
      ]),
    );
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(2);
    for (const call of sqs.commandCalls(SendMessageCommand)) {
      expect(call.args[0].input.QueueUrl).toBe('https://sqs/q/techteam-sandbox-run-a');
    }
    const job = JSON.parse(objects.get(`t1/task1/sandbox/${result.jobId}/job.json`)!);
    expect(job.files).toEqual({ 'main.py': 'print(1)' });
    // Finalize's Lambda, another process again, ends it.
    await fargate('run-a').stop();
    expect(ecs.commandCalls(StopTaskCommand)[0]!.args[0].input).toMatchObject({
      cluster: 'sandbox',
      task: 'arn:task/tt-run-a/1',
    });
    expect(aws.running()).toEqual([]);
    expect(aws.queues.size).toBe(0);
  });

  it('fargate: the run queue keeps a message invisible for longer than the longest job may run', async () => {
    fakeAws();
    await fargate('run-v').start();
    const attributes = sqs.commandCalls(CreateQueueCommand)[0]!.args[0].input.Attributes;
    expect(attributes?.['VisibilityTimeout']).toBe(String(JOB_VISIBILITY_TIMEOUT_SECONDS));
    const longest = SandboxLimits.parse({ wallMs: MAX_WALL_MS }).wallMs;
    expect(() => SandboxLimits.parse({ wallMs: MAX_WALL_MS + 1 })).toThrow();
    expect(JOB_VISIBILITY_TIMEOUT_SECONDS * 1000).toBeGreaterThan(longest);
  });

  it('fargate: two runs never share a task, and ending one leaves the other running', async () => {
    const aws = fakeAws();
    await Promise.all([fargate('run-a').start(), fargate('run-b').start()]);
    const startedBy = ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input.startedBy);
    expect(startedBy.sort()).toEqual(['tt-run-a', 'tt-run-b']);
    await fargate('run-a').stop();
    expect(aws.running()).toEqual(['arn:task/tt-run-b/2']);
    expect([...aws.queues]).toEqual(['techteam-sandbox-run-b']);
  });

  it('fargate: a job whose runner idled out starts another for it, before and while it waits', async () => {
    const aws = fakeAws();
    await fargate('run-i').start();
    aws.idleOut();
    const objects = new Map<string, string>();
    s3.on(PutObjectCommand).callsFake((input) => void objects.set(input.Key, String(input.Body)));
    let answered = false;
    s3.on(GetObjectCommand).callsFake(() => {
      if (!answered) throw noSuchKey();
      return { Body: { transformToString: async () => JSON.stringify(resultFor('x', 'microvm')) } };
    });
    sqs.on(SendMessageCommand).resolves({ MessageId: '1' });
    // Each poll yields to the event loop (the fake pause), so the test can act while the job waits.
    const yieldOnce = () => new Promise<void>((resolve) => setImmediate(resolve));
    const waiting = fargate('run-i', yieldOnce).run({ runtime: 'node', command: ['node', '-v'] });
    // Started before the job was sent: a second runner for the run.
    await vi.waitFor(() => expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(2));
    // That one dies too while the job waits: the wait starts a third.
    aws.idleOut();
    await vi.waitFor(() => expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(3));
    answered = true;
    expect((await waiting).isolation).toBe('microvm');
    expect(aws.running()).toHaveLength(1);
  });

  it('fargate: a task that does not start fails clearly; a later job tries again', async () => {
    fakeAws();
    ecs.on(RunTaskCommand).resolvesOnce({ tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] });
    const err = await fargate('run-c')
      .run({ runtime: 'node', command: ['node', '-v'] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(SandboxFailed);
    expect(err.message).toContain('RESOURCE:ENI');
    fakeRunner('microvm');
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:task/tt-run-c/9' }] });
    expect((await fargate('run-c').run({ runtime: 'node', command: ['node', '-v'] })).exitCode).toBe(0);
  });

  it('fargate: stop() deletes the queue even when StopTask fails, and says so', async () => {
    const aws = fakeAws();
    await fargate('run-s').start();
    ecs.on(StopTaskCommand).rejects(new Error('StopTask failed'));
    await expect(fargate('run-s').stop()).rejects.toThrow('StopTask failed');
    expect(aws.queues.size).toBe(0);
  });

  it('fargate: stop() for a run that never started a runner does nothing and does not fail', async () => {
    fakeAws();
    await fargate('run-never').stop();
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(0);
  });

  it('fargate: a run resumed within a minute of its end is told to wait, not given an SQS error', async () => {
    fakeAws();
    sqs.on(CreateQueueCommand).rejects(
      Object.assign(new Error('You must wait 60 seconds after deleting a queue'), {
        name: 'AWS.SimpleQueueService.QueueDeletedRecently',
      }),
    );
    const err = await fargate('run-r')
      .run({ runtime: 'node', command: ['node', '-v'] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(SandboxFailed);
    expect(err.message).toMatch(/deleted less than a minute ago.*again in a minute/);
  });

  it('fargate: a failed runner check while a job waits does not fail the job', async () => {
    fakeAws();
    await fargate('run-w').start();
    let answered = false;
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand).callsFake(() => {
      if (!answered) throw noSuchKey();
      return { Body: { transformToString: async () => JSON.stringify(resultFor('x', 'microvm')) } };
    });
    sqs.on(SendMessageCommand).resolves({ MessageId: '1' });
    const yieldOnce = () => new Promise<void>((resolve) => setImmediate(resolve));
    const waiting = fargate('run-w', yieldOnce).run({ runtime: 'node', command: ['node', '-v'] });
    await vi.waitFor(() => expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1));
    const listsBefore = ecs.commandCalls(ListTasksCommand).length;
    ecs
      .on(ListTasksCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await vi.waitFor(() => expect(ecs.commandCalls(ListTasksCommand).length).toBeGreaterThan(listsBefore));
    answered = true;
    expect((await waiting).exitCode).toBe(0);
  });

  it('fargate: refuses a run id that cannot name its queue and runner whole, instead of cutting it', () => {
    for (const runId of ['', 'tsk_01JABCDEFGHJKMNPQRSTVWXYZ0-and-more', 'has space', 'a/b'])
      expect(() => fargate(runId), runId).toThrow(/must be 1-33 letters, digits, _ or -/);
    expect(() => fargate('tsk_01JABCDEFGHJKMNPQRSTVWXYZ0')).not.toThrow();
  });

  it('names run queues with the prefix the IAM grants match', async () => {
    fakeAws();
    await fargate('run-p').start();
    const name = sqs.commandCalls(CreateQueueCommand)[0]!.args[0].input.QueueName!;
    expect(name).toBe(`${SANDBOX_RUN_QUEUE_PREFIX}run-p`);
  });

  it("ec2-gvisor: the same runner per run, placed on the gVisor hosts' capacity provider, running jobs under gVisor", async () => {
    const aws = fakeAws();
    fakeRunner('gvisor');
    const gvisor = (runId: string) =>
      fargate(runId, base.pause, { tier: 'ec2-gvisor', capacityProvider: 'GvisorCapacity' });
    await gvisor('run-g').start();
    const result = await gvisor('run-g').run({ runtime: 'node', command: ['node', '-v'] });
    await gvisor('run-h').run({ runtime: 'node', command: ['node', '-v'] });
    expect(result.isolation).toBe('gvisor');
    const starts = ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input);
    // One runner per run: run-h (another tenant's, say) got its own task and queue.
    expect(starts.map((s) => s.startedBy)).toEqual(['tt-run-g', 'tt-run-h']);
    for (const start of starts) {
      expect(start.launchType).toBeUndefined();
      expect(start.capacityProviderStrategy).toEqual([{ capacityProvider: 'GvisorCapacity', weight: 1 }]);
      expect(start.overrides?.containerOverrides?.[0]?.environment).toEqual(
        expect.arrayContaining([
          { name: 'SANDBOX_ISOLATION', value: 'gvisor' },
          { name: 'SANDBOX_RUN_ID', value: start.startedBy!.slice(3) },
        ]),
      );
    }
    expect(sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input.QueueUrl)).toEqual([
      'https://sqs/q/techteam-sandbox-run-g',
      'https://sqs/q/techteam-sandbox-run-h',
    ]);
    await gvisor('run-g').stop();
    expect(aws.running()).toEqual(['arn:task/tt-run-h/2']);
  });

  it('gives up with SandboxResultTimeout when no runner answers', async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand).rejects(noSuchKey());
    sqs.on(SendMessageCommand).resolves({});
    fakeAws();
    const sandbox = new RunnerPerRunSandbox({
      ...base,
      graceMs: 0,
      pause: () => new Promise((r) => setTimeout(r, 20)),
      s3: new S3Client({}),
      sqs: new SQSClient({}),
      ecs: new ECSClient({}),
      runId: 'run-t',
      placement: { tier: 'ec2-gvisor', capacityProvider: 'GvisorCapacity' },
      cluster: 'sandbox',
      taskDefinition: 'runner',
      containerName: 'runner',
      subnets: ['subnet-1'],
      securityGroups: ['sg-1'],
    });
    const err = await sandbox
      .run({ runtime: 'node', command: ['node'], limits: { wallMs: 100 } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(SandboxResultTimeout);
  });
});
