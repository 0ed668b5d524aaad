import { JobResult, jobKeys, LocalSandbox, testCommand } from '@techteam/shared/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunnerConfig, runScope } from './config';
import { type JobQueue, type ObjectStore, runJobMessage, serveJobs } from './runner';

/** A local stand-in for S3: bucket/key → text. */
function memoryStore(): ObjectStore & { objects: Map<string, string> } {
  const objects = new Map<string, string>();
  return {
    objects,
    get: async (b, k) => objects.get(`${b}/${k}`) ?? null,
    put: async (b, k, body) => {
      objects.set(`${b}/${k}`, body);
    },
  };
}

/** A local stand-in for SQS: messages in order, acknowledged ones counted. */
function memoryQueue(bodies: string[]): JobQueue & { acked: number } {
  const q = {
    acked: 0,
    receive: async () => {
      const body = bodies.shift();
      return body === undefined ? null : { body, ack: async () => void q.acked++ };
    },
  };
  return q;
}

const sandbox = new LocalSandbox({ isolation: 'microvm' });
afterAll(() => sandbox.close());

function enqueue(store: ReturnType<typeof memoryStore>, jobId: string, job: unknown) {
  const keys = jobKeys('tenant-1/task-1/sandbox', jobId);
  store.objects.set(`jobs/${keys.jobKey}`, JSON.stringify(job));
  return JSON.stringify({ jobId, bucket: 'jobs', ...keys });
}

describe('sandbox runner', () => {
  it('fetches the job with its files, runs the tests as an unprivileged user, writes the result with the changed files', async () => {
    const store = memoryStore();
    const files = {
      'calc.py': 'def add(a, b):\n    return a + b\n',
      'test_calc.py':
        'from calc import add\nimport os\n\ndef test_add():\n    open("uid.txt", "w").write(str(os.getuid()))\n    assert add(1, 2) == 3\n\ndef test_bad():\n    assert add(1, 1) == 3\n',
    };
    const body = enqueue(store, 'job-1', {
      runtime: 'python',
      command: testCommand('python'),
      test: true,
      files,
    });
    const queue = memoryQueue([body]);
    const { jobs } = await serveJobs({ queue, store, sandbox, idleMs: 0 });
    expect(jobs).toBe(1);
    expect(queue.acked).toBe(1);
    const result = JobResult.parse(
      JSON.parse(store.objects.get('jobs/tenant-1/task-1/sandbox/job-1/result.json')!),
    );
    expect(result).toMatchObject({ jobId: 'job-1', isolation: 'microvm', exitCode: 1 });
    expect(result.tests).toEqual({
      passed: 1,
      failed: 1,
      errors: 0,
      skipped: 0,
      failing: ['test_calc.py::test_bad'],
    });
    const uid = Number(result.files.changed['uid.txt']);
    expect(uid).toBeGreaterThan(0);
  });

  it('answers a job it cannot run with exit code 125 and the reason, instead of no result', async () => {
    const store = memoryStore();
    const body = enqueue(store, 'job-2', { runtime: 'cobol', command: ['x'] });
    const result = await runJobMessage(body, { store, sandbox });
    expect(result.exitCode).toBe(125);
    expect(result.stderr).toContain('known runtimes: python, node');
    expect(store.objects.has('jobs/tenant-1/task-1/sandbox/job-2/result.json')).toBe(true);
  });

  it('logs and deletes a malformed message, and goes on serving the next one', async () => {
    const store = memoryStore();
    const good = enqueue(store, 'job-3', { runtime: 'python', command: ['python', '-c', 'print(3)'] });
    const queue = memoryQueue(['not json', JSON.stringify({ jobId: 'x' }), good]);
    const lines: string[] = [];
    const { jobs } = await serveJobs({ queue, store, sandbox, idleMs: 0, log: (l) => lines.push(l) });
    expect(jobs).toBe(1);
    expect(queue.acked).toBe(3);
    expect(lines.filter((l) => l.includes('malformed job message'))).toHaveLength(2);
    const result = JobResult.parse(
      JSON.parse(store.objects.get('jobs/tenant-1/task-1/sandbox/job-3/result.json')!),
    );
    expect(result).toMatchObject({ jobId: 'job-3', exitCode: 0, stdout: '3\n' });
  });

  it('stops after being idle for its idle time', async () => {
    let t = 0;
    const queue = memoryQueue([]);
    const { jobs } = await serveJobs({
      queue,
      store: memoryStore(),
      sandbox,
      idleMs: 1_000,
      now: () => (t += 400),
    });
    expect(jobs).toBe(0);
    expect(t).toBeGreaterThanOrEqual(1_000);
  });

  it('reads its configuration from the environment and names a bad variable', () => {
    expect(loadRunnerConfig({ SANDBOX_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q' })).toMatchObject({
      SANDBOX_ISOLATION: 'microvm',
      SANDBOX_IDLE_SECONDS: 600,
    });
    expect(() => loadRunnerConfig({ SANDBOX_QUEUE_URL: 'x', SANDBOX_ISOLATION: 'docker' })).toThrow(
      /SANDBOX_ISOLATION/,
    );
  });

  it('scopes its credentials to its run when given a run role, and refuses a run role without the run', () => {
    const queue = 'https://sqs.eu-west-1.amazonaws.com/123456789012/techteam-sandbox-tsk_1';
    const role = 'arn:aws:iam::123456789012:role/run';
    const config = loadRunnerConfig({
      SANDBOX_QUEUE_URL: queue,
      SANDBOX_RUN_ROLE_ARN: role,
      SANDBOX_RUN_ID: 'tsk_1',
      SANDBOX_BUCKET: 'artifacts',
    });
    expect(runScope(config)).toEqual({
      roleArn: role,
      runId: 'tsk_1',
      bucket: 'artifacts',
      prefix: 'sandbox',
      queueUrl: queue,
    });
    expect(runScope(loadRunnerConfig({ SANDBOX_QUEUE_URL: queue }))).toBeUndefined();
    expect(() =>
      loadRunnerConfig({ SANDBOX_QUEUE_URL: queue, SANDBOX_RUN_ROLE_ARN: role, SANDBOX_BUCKET: 'artifacts' }),
    ).toThrow(/SANDBOX_RUN_ID/);
  });
});
