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
import { ConfigInvalid } from '../errors';
import { log } from '../observability';
import type { JobResult } from '../sandbox/job';
import { AWS_SANDBOX_ENV as E, sandboxFromEnv, sandboxRunnersFromEnv } from './aws-sandbox';

const ecs = mockClient(ECSClient);
const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);

const fargateEnv = {
  [E.tier]: 'fargate',
  [E.bucket]: 'techteam-artifacts',
  [E.cluster]: 'techteam-sandbox',
  [E.taskDefinition]: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/runner:3',
  [E.subnets]: 'subnet-0a1, subnet-0b2',
  [E.securityGroups]: 'sg-0c3',
};
/** The same runner per run, placed on the gVisor hosts' capacity provider. */
const gvisorEnv = {
  ...fargateEnv,
  [E.tier]: 'ec2-gvisor',
  [E.taskDefinition]: 'Techteam-Sandbox-runner',
  [E.capacityProvider]: 'Techteam-Sandbox-GvisorCapacity',
};

function result(jobId: string, isolation: JobResult['isolation']): JobResult {
  return {
    jobId,
    isolation,
    exitCode: 0,
    signal: null,
    stdout: 'hi\n',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    limit: null,
    limitsReached: [],
    files: { changed: {}, deleted: [], skipped: [] },
    timings: { prepareMs: 1, runMs: 1, collectMs: 1, totalMs: 3 },
    warnings: [],
  };
}

/** A runner that answers every queued job at once, with S3 as a map. */
function answerJobs(isolation: JobResult['isolation']) {
  const objects = new Map<string, string>();
  s3.on(PutObjectCommand).callsFake((input) => void objects.set(input.Key, String(input.Body)));
  s3.on(GetObjectCommand).callsFake((input) => {
    const body = objects.get(input.Key);
    if (body === undefined) throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
    return { Body: { transformToString: async () => body } };
  });
  sqs.on(SendMessageCommand).callsFake((input) => {
    const m = JSON.parse(input.MessageBody);
    objects.set(m.resultKey, JSON.stringify(result(m.jobId, isolation)));
    return { MessageId: '1' };
  });
  return objects;
}

function configError(env: Record<string, string>): ConfigInvalid {
  try {
    sandboxFromEnv(env);
  } catch (e) {
    if (e instanceof ConfigInvalid) return e;
    throw e;
  }
  throw new Error('expected ConfigInvalid');
}

beforeEach(() => {
  ecs.reset();
  s3.reset();
  sqs.reset();
});

describe('sandboxFromEnv', () => {
  it('gives no sandbox when no sandbox variable is set', () => {
    expect(sandboxFromEnv({ TECHTEAM_TABLE: 'techteam', AWS_REGION: 'eu-west-1' })).toBeUndefined();
  });

  it('names a missing tier and lists the valid ones', () => {
    const e = configError({ [E.bucket]: 'techteam-artifacts' });
    expect(e.details).toEqual({ variable: E.tier });
    expect(e.message).toContain('fargate, ec2-gvisor');
  });

  it('names an unknown tier', () => {
    const e = configError({ ...gvisorEnv, [E.tier]: 'lambda' });
    expect(e.details).toEqual({ variable: E.tier });
    expect(e.message).toContain('"lambda"');
  });

  it('names the capacity provider the gVisor tier needs when it is missing', () => {
    const { [E.capacityProvider]: _, ...env } = gvisorEnv;
    const e = configError(env);
    expect(e.details).toEqual({ variable: E.capacityProvider });
    expect(e.message).toContain('is not set');
  });

  it('names a subnet list that holds something other than subnet ids', () => {
    const e = configError({ ...fargateEnv, [E.subnets]: 'subnet-0a1,vpc-123' });
    expect(e.details).toEqual({ variable: E.subnets });
  });

  it('names a bucket that is not a bucket name', () => {
    const e = configError({ ...fargateEnv, [E.bucket]: 'Not_A_Bucket' });
    expect(e.details).toEqual({ variable: E.bucket });
  });

  it("ec2-gvisor: runs a run's job on a runner of its own on the gVisor hosts, under the run's prefix", async () => {
    const objects = answerJobs('gvisor');
    ecs.on(ListTasksCommand).resolves({ taskArns: [] });
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: 'arn:aws:ecs:task/g1' }] });
    sqs.on(CreateQueueCommand).resolves({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/techteam-sandbox-01run',
    });
    const sandbox = sandboxFromEnv(gvisorEnv)!;
    const run = await sandbox.exec({
      files: { 'a.py': 'print(1)' },
      runtime: 'python',
      command: ['python3', 'a.py'],
      runId: '01run',
    });
    expect(run).toMatchObject({ exitCode: 0, stdout: 'hi\n', isolation: 'gvisor' });
    const sent = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(sent.QueueUrl).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/techteam-sandbox-01run');
    expect(ecs.commandCalls(RunTaskCommand)[0]!.args[0].input).toMatchObject({
      taskDefinition: 'Techteam-Sandbox-runner',
      startedBy: 'tt-01run',
      capacityProviderStrategy: [{ capacityProvider: 'Techteam-Sandbox-GvisorCapacity', weight: 1 }],
    });
    expect([...objects.keys()].every((k) => k.startsWith('sandbox/01run/'))).toBe(true);
  });

  it('gives the per-run side to both tiers (a runner per run), none where no sandbox is set', () => {
    expect(sandboxRunnersFromEnv(gvisorEnv)).toBeDefined();
    expect(sandboxRunnersFromEnv({ AWS_REGION: 'eu-west-1' })).toBeUndefined();
    expect(sandboxRunnersFromEnv(fargateEnv)).toBeDefined();
    expect(() => sandboxRunnersFromEnv({ ...fargateEnv, [E.subnets]: 'nope' })).toThrow(ConfigInvalid);
    expect(() => sandboxRunnersFromEnv({ ...gvisorEnv, [E.capacityProvider]: 'no spaces' })).toThrow(
      ConfigInvalid,
    );
  });

  it('fargate: a runner that cannot start or stop is logged, never thrown: jobs start one, runners stop when idle', async () => {
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
    sqs
      .on(CreateQueueCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    ecs.on(ListTasksCommand).rejects(new Error('ecs down'));
    sqs.on(GetQueueUrlCommand).rejects(Object.assign(new Error('no queue'), { name: 'QueueDoesNotExist' }));
    const runs = sandboxRunnersFromEnv(fargateEnv)!;
    await expect(runs.start('01task')).resolves.toBeUndefined();
    await expect(runs.end('01task')).resolves.toBeUndefined();
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'could not start the sandbox run',
      'could not end the sandbox run',
    ]);
    expect(warn.mock.calls[0]![1]).toMatchObject({ runId: '01task' });
    warn.mockRestore();
  });

  it("fargate: StartRun starts the run's task in the configured subnets, its jobs run there, the run's end stops it", async () => {
    answerJobs('microvm');
    const running = new Map<string, string>();
    sqs.on(CreateQueueCommand).callsFake((input) => ({
      QueueUrl: `https://sqs.eu-west-1.amazonaws.com/1/${input.QueueName}`,
    }));
    sqs.on(GetQueueUrlCommand).callsFake((input) => ({
      QueueUrl: `https://sqs.eu-west-1.amazonaws.com/1/${input.QueueName}`,
    }));
    ecs.on(RunTaskCommand).callsFake((input) => {
      running.set(`arn:aws:ecs:eu-west-1:1:task/c/${input.startedBy}`, input.startedBy!);
      return { tasks: [{ taskArn: `arn:aws:ecs:eu-west-1:1:task/c/${input.startedBy}` }] };
    });
    ecs.on(ListTasksCommand).callsFake((input) => ({
      taskArns: [...running].filter(([, by]) => by === input.startedBy).map(([arn]) => arn),
    }));
    ecs.on(StopTaskCommand).callsFake((input) => void running.delete(input.task));
    const env = { ...fargateEnv, [E.prefix]: 'jobs/sandbox' };
    // Separate Lambdas: StartRun's, a step's, Finalize's.
    await sandboxRunnersFromEnv(env)!.start('01task');
    const sandbox = sandboxFromEnv(env)!;
    const run = await sandbox.test({
      files: { 'test_a.py': 'def test_a(): pass' },
      runtime: 'python',
      runId: '01task',
    });
    await sandbox.exec({ files: {}, runtime: 'python', command: ['python3', '-V'], runId: '01task' });
    expect(run.isolation).toBe('microvm');
    expect(ecs.commandCalls(RunTaskCommand)).toHaveLength(1);
    const task = ecs.commandCalls(RunTaskCommand)[0]!.args[0].input;
    expect(task.cluster).toBe('techteam-sandbox');
    expect(task.taskDefinition).toBe(fargateEnv[E.taskDefinition]);
    expect(task.networkConfiguration?.awsvpcConfiguration).toEqual({
      subnets: ['subnet-0a1', 'subnet-0b2'],
      securityGroups: ['sg-0c3'],
      assignPublicIp: 'DISABLED',
    });
    expect(task.overrides?.containerOverrides?.[0]?.name).toBe('runner');
    for (const put of s3.commandCalls(PutObjectCommand))
      expect(put.args[0].input.Key).toMatch(/^jobs\/sandbox\/01task\/[0-9a-z]{26}\//);
    for (const sent of sqs.commandCalls(SendMessageCommand))
      expect(sent.args[0].input.QueueUrl).toMatch(/\/techteam-sandbox-01task$/);
    await sandboxRunnersFromEnv(env)!.end('01task');
    expect(ecs.commandCalls(StopTaskCommand)).toHaveLength(1);
    expect(running.size).toBe(0);
    expect(sqs.commandCalls(DeleteQueueCommand)[0]!.args[0].input.QueueUrl).toMatch(
      /\/techteam-sandbox-01task$/,
    );
  });
});
