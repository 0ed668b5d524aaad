import { ECSClient, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SandboxFailed, SandboxResultTimeout } from '../errors';
import { type JobResult, MAX_WALL_MS, SandboxLimits } from '../job';
import { JOB_VISIBILITY_TIMEOUT_SECONDS, SANDBOX_RUN_QUEUE_PREFIX } from './protocol';
import { FargateSandbox, GvisorPoolSandbox } from './remote-sandbox';

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

function fargate(runId: string) {
  return new FargateSandbox({
    ...base,
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

describe('AWS sandbox adapters', () => {
  beforeEach(() => {
    ecs.reset();
    s3.reset();
    sqs.reset();
    sqs.on(CreateQueueCommand).callsFake((input) => ({ QueueUrl: `https://sqs/q/${input.QueueName}` }));
    ecs.on(RunTaskCommand).callsFake((input) => ({ tasks: [{ taskArn: `arn:task/${input.startedBy}` }] }));
  });

  it('fargate: starts one task per run with its own queue, runs jobs in it, stops it when the run ends', async () => {
    const objects = fakeRunner('microvm');
    const sandbox = fargate('run-a');
    const result = await sandbox.run({
      runtime: 'python',
      command: ['python', 'main.py'],
      files: { 'main.py': 'print(1)' },
    });
    await sandbox.run({ runtime: 'python', command: ['python', 'main.py'] });
    expect(result.isolation).toBe('microvm');
    expect(result.files.changed).toEqual({ 'out.txt': 'x' });
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
    const run = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input;
    expect(run).toMatchObject({ launchType: 'FARGATE', cluster: 'sandbox', taskDefinition: 'runner:3' });
    expect(run.networkConfiguration?.awsvpcConfiguration?.assignPublicIp).toBe('DISABLED');
    expect(run.overrides?.containerOverrides?.[0]?.environment).toEqual(
      expect.arrayContaining([
        { name: 'SANDBOX_QUEUE_URL', value: 'https://sqs/q/techteam-sandbox-run-a' },
        { name: 'SANDBOX_ISOLATION', value: 'microvm' },
      ]),
    );
    for (const call of sqs.commandCalls(SendMessageCommand)) {
      expect(call.args[0].input.QueueUrl).toBe('https://sqs/q/techteam-sandbox-run-a');
    }
    const job = JSON.parse(objects.get(`t1/task1/sandbox/${result.jobId}/job.json`)!);
    expect(job.files).toEqual({ 'main.py': 'print(1)' });
    await sandbox.stop();
    expect(ecs.commandCalls(StopTaskCommand)[0]!.args[0].input).toMatchObject({
      task: 'arn:task/techteam-run-a',
    });
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
  });

  it('fargate: the run queue keeps a message invisible for longer than the longest job may run', async () => {
    await fargate('run-v').start();
    const attributes = sqs.commandCalls(CreateQueueCommand)[0]!.args[0].input.Attributes;
    expect(attributes?.['VisibilityTimeout']).toBe(String(JOB_VISIBILITY_TIMEOUT_SECONDS));
    const longest = SandboxLimits.parse({ wallMs: MAX_WALL_MS }).wallMs;
    expect(() => SandboxLimits.parse({ wallMs: MAX_WALL_MS + 1 })).toThrow();
    expect(JOB_VISIBILITY_TIMEOUT_SECONDS * 1000).toBeGreaterThan(longest);
  });

  it('fargate: two runs never share a task', async () => {
    fakeRunner('microvm');
    const a = fargate('run-a');
    const b = fargate('run-b');
    await Promise.all([a.start(), b.start()]);
    const arns = ecs.commandCalls(RunTaskCommand).map((c) => c.args[0].input.startedBy);
    expect(arns).toEqual(['techteam-run-a', 'techteam-run-b']);
  });

  it('fargate: a task that does not start fails clearly and leaves no queue behind', async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [], failures: [{ reason: 'RESOURCE:ENI' }] });
    const err = await fargate('run-c')
      .run({ runtime: 'node', command: ['node', '-v'] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(SandboxFailed);
    expect(err.message).toContain('RESOURCE:ENI');
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
  });

  it('fargate: a RunTask call that throws leaves no queue behind', async () => {
    ecs.on(RunTaskCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    const err = await fargate('run-t')
      .start()
      .catch((e) => e);
    expect(err.name).toBe('ThrottlingException');
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteQueueCommand)[0]!.args[0].input.QueueUrl).toBe(
      'https://sqs/q/techteam-sandbox-run-t',
    );
  });

  it('fargate: stop() deletes the queue even when StopTask fails', async () => {
    const sandbox = fargate('run-s');
    await sandbox.start();
    ecs.on(StopTaskCommand).rejects(new Error('StopTask failed'));
    await expect(sandbox.stop()).rejects.toThrow('StopTask failed');
    expect(sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
  });

  it('names run queues with the prefix the IAM grants match', async () => {
    await fargate('run-p').start();
    const name = sqs.commandCalls(CreateQueueCommand)[0]!.args[0].input.QueueName!;
    expect(name).toBe(`${SANDBOX_RUN_QUEUE_PREFIX}run-p`);
  });

  it('ec2-gvisor: sends jobs to the warm pool queue and returns its gVisor result', async () => {
    fakeRunner('gvisor');
    const pool = new GvisorPoolSandbox({
      ...base,
      s3: new S3Client({}),
      sqs: new SQSClient({}),
      queueUrl: 'https://sqs/q/pool',
    });
    const result = await pool.run({ runtime: 'node', command: ['node', '-v'] });
    expect(result.isolation).toBe('gvisor');
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.QueueUrl).toBe('https://sqs/q/pool');
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(0);
  });

  it('gives up with SandboxResultTimeout when no runner answers', async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand).rejects(noSuchKey());
    sqs.on(SendMessageCommand).resolves({});
    const pool = new GvisorPoolSandbox({
      ...base,
      graceMs: 0,
      pause: () => new Promise((r) => setTimeout(r, 20)),
      s3: new S3Client({}),
      sqs: new SQSClient({}),
      queueUrl: 'https://sqs/q/pool',
    });
    const err = await pool
      .run({ runtime: 'node', command: ['node'], limits: { wallMs: 100 } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(SandboxResultTimeout);
  });
});
