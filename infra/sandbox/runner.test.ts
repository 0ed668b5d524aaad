import { type JobResult, jobKeys, type Sandbox } from '@techteam/shared/sandbox';
import { describe, expect, it } from 'vitest';
import { isJobOfRun, type JobQueue, type ObjectStore, serveJobs } from './runner';

const run = { bucket: 'artifacts', prefix: 'sandbox', runId: 'tsk_a' };

/** A sandbox that records the jobs it is given and answers each at once. */
function recordingSandbox(): Sandbox & { jobs: unknown[] } {
  const jobs: unknown[] = [];
  return {
    isolation: 'gvisor',
    jobs,
    run: async (job) => {
      jobs.push(job);
      return {
        jobId: 'x',
        isolation: 'gvisor',
        exitCode: 0,
        signal: null,
        stdout: '',
        stderr: '',
        stdoutTruncated: false,
        stderrTruncated: false,
        limit: null,
        limitsReached: [],
        files: { changed: {}, deleted: [], skipped: [] },
        timings: { prepareMs: 0, runMs: 0, collectMs: 0, totalMs: 0 },
        warnings: [],
      } satisfies JobResult;
    },
  };
}

function messageFor(runId: string, jobId: string, bucket = run.bucket) {
  return { jobId, bucket, ...jobKeys(`sandbox/${runId}`, jobId) };
}

describe('a runner serving one run', () => {
  it("runs its own run's jobs and deletes, unrun and unanswered, a message naming another run's objects", async () => {
    const objects = new Map<string, string>();
    const job = JSON.stringify({ runtime: 'node', command: ['node', '-v'] });
    const own = messageFor('tsk_a', 'j1');
    const other = messageFor('tsk_b', 'j2');
    objects.set(`artifacts/${own.jobKey}`, job);
    objects.set(`artifacts/${other.jobKey}`, job);
    const store: ObjectStore = {
      get: async (b, k) => objects.get(`${b}/${k}`) ?? null,
      put: async (b, k, body) => void objects.set(`${b}/${k}`, body),
    };
    const bodies = [other, own].map((m) => JSON.stringify(m));
    let acked = 0;
    const queue: JobQueue = {
      receive: async () => {
        const body = bodies.shift();
        return body === undefined ? null : { body, ack: async () => void acked++ };
      },
    };
    const sandbox = recordingSandbox();
    const lines: string[] = [];
    const { jobs } = await serveJobs({ queue, store, sandbox, idleMs: 0, run, log: (l) => lines.push(l) });
    expect(jobs).toBe(1);
    expect(sandbox.jobs).toHaveLength(1);
    expect(acked).toBe(2);
    expect(objects.has(`artifacts/${own.resultKey}`)).toBe(true);
    expect(objects.has(`artifacts/${other.resultKey}`)).toBe(false);
    expect(lines.some((l) => l.includes("another run's objects") && l.includes('tsk_b/j2'))).toBe(true);
  });

  it("tells a job of its run from one of another run, another bucket, or a path that climbs out of the run's prefix", () => {
    expect(isJobOfRun(messageFor('tsk_a', 'j'), run)).toBe(true);
    expect(isJobOfRun(messageFor('tsk_ab', 'j'), run)).toBe(false);
    expect(isJobOfRun(messageFor('tsk_b', 'j'), run)).toBe(false);
    expect(isJobOfRun(messageFor('tsk_a', 'j', 'elsewhere'), run)).toBe(false);
    const climbing = { ...messageFor('tsk_a', 'j'), resultKey: 'sandbox/tsk_a/../tsk_b/j/result.json' };
    expect(isJobOfRun(climbing, run)).toBe(false);
  });
});
