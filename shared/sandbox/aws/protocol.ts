import * as z from '../../zod';
import { MAX_WALL_MS } from '../job';

/**
 * What travels between a remote sandbox adapter and a runner. The job (with
 * its files) is an S3 object; the queue message only points at it; the runner
 * writes the JobResult beside it.
 */
export const JobMessage = z.object({
  jobId: z.string().check(z.minLength(1)),
  bucket: z.string().check(z.minLength(1)),
  jobKey: z.string().check(z.minLength(1)),
  resultKey: z.string().check(z.minLength(1)),
});
export type JobMessage = z.infer<typeof JobMessage>;

export function jobKeys(prefix: string, jobId: string): { jobKey: string; resultKey: string } {
  const base = `${prefix.replace(/\/+$/, '')}/${jobId}`;
  return { jobKey: `${base}/job.json`, resultKey: `${base}/result.json` };
}

/** The environment variables the runner reads (documented in infra/sandbox/README.md). */
export const RUNNER_ENV = {
  queueUrl: 'SANDBOX_QUEUE_URL',
  isolation: 'SANDBOX_ISOLATION',
  idleSeconds: 'SANDBOX_IDLE_SECONDS',
  root: 'SANDBOX_ROOT',
  runId: 'SANDBOX_RUN_ID',
  /** The run role the runner assumes for its run's objects and queue (run-credentials.ts). */
  runRoleArn: 'SANDBOX_RUN_ROLE_ARN',
  /** The bucket and key prefix of job objects, named in the run's session policy. */
  bucket: 'SANDBOX_BUCKET',
  prefix: 'SANDBOX_PREFIX',
} as const;

/** Time past a job's wall limit for the runner to fetch it, prepare, collect and write the result. */
export const JOB_GRACE_SECONDS = 600;

/**
 * SQS visibility timeout of every job queue: the longest job plus the grace, so a
 * message is never handed to a second runner while the first is still running it.
 */
export const JOB_VISIBILITY_TIMEOUT_SECONDS = MAX_WALL_MS / 1000 + JOB_GRACE_SECONDS;

/** Run queues are created by the adapter (remote-sandbox.ts) with this name prefix; IAM grants match it. */
export const SANDBOX_RUN_QUEUE_PREFIX = 'techteam-sandbox-';

/** The AWS sandbox tiers: a runner task per task run, on Fargate or on EC2 hosts with gVisor. */
export type AwsSandboxTier = 'fargate' | 'ec2-gvisor';
export const AWS_SANDBOX_TIERS: AwsSandboxTier[] = ['fargate', 'ec2-gvisor'];
