import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNNER_ENV } from '@techteam/shared/sandbox';

export { loadRunnerConfig, RunnerConfig } from './config';
export {
  type JobQueue,
  type ObjectStore,
  runJobMessage,
  S3ObjectStore,
  SqsJobQueue,
  serveJobs,
} from './runner';

const here = dirname(fileURLToPath(import.meta.url));

/** What a CDK stack needs to build and run the sandbox runner. */
export const SANDBOX_RUNNER = {
  /** Docker build context (the repository root) and the Dockerfile inside it. */
  buildContext: join(here, '..', '..'),
  dockerfile: 'infra/sandbox/Dockerfile',
  /** Build arg: `WITH_RUNSC=true` for the ec2-gvisor tier's image. */
  buildArgs: { fargate: { WITH_RUNSC: 'false' }, 'ec2-gvisor': { WITH_RUNSC: 'true' } },
  containerName: 'runner',
  /** Environment variables the runner reads. */
  env: RUNNER_ENV,
  /** CDK context flag choosing the tier: `-c sandbox=fargate` (default) or `-c sandbox=ec2-gvisor`. */
  contextKey: 'sandbox',
  tiers: ['fargate', 'ec2-gvisor'] as const,
  defaultTier: 'fargate' as const,
  /** IAM the runner's task role needs: the job bucket, and its queue. */
  permissions: {
    s3: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
    sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
  },
  /** IAM the adapter (the step Lambda) needs to run the Fargate tier. */
  adapterPermissions: {
    ecs: ['ecs:RunTask', 'ecs:StopTask', 'ecs:TagResource', 'iam:PassRole'],
    sqs: ['sqs:CreateQueue', 'sqs:DeleteQueue', 'sqs:SendMessage', 'sqs:TagQueue'],
    s3: ['s3:GetObject', 's3:PutObject'],
  },
};
