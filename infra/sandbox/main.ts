/**
 * The sandbox runner's entry point inside its container: pull jobs until idle.
 * `microvm` (the Fargate tier): each job runs as an unprivileged uid with
 * rlimits and a clean environment; the task itself is the boundary.
 * `gvisor` (the EC2 tier): each job runs under runsc with an OCI bundle, the
 * same invocation as the local gVisor level. Either way the runner serves one task run.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { LocalSandbox, RUNNER_ENV } from '@techteam/shared/sandbox';
import { runCredentialsProvider } from '@techteam/shared/sandbox/aws';
import { loadRunnerConfig, runScope } from './config';
import { S3ObjectStore, SqsJobQueue, serveJobs } from './runner';

const config = loadRunnerConfig(process.env);
// The runner's own credentials must never reach a job: jobs get a fresh environment regardless.
const sandbox =
  config[RUNNER_ENV.isolation] === 'gvisor'
    ? new LocalSandbox({ isolation: 'gvisor', root: config[RUNNER_ENV.root] })
    : new LocalSandbox({ isolation: 'microvm', root: config[RUNNER_ENV.root] });
// Both tiers: the task role may only assume the run role; S3 and SQS are reached with the run's
// session, narrowed to its own prefix and queue, and the runner runs no other run's job.
const scope = runScope(config);
const clientConfig = scope ? { credentials: runCredentialsProvider(new STSClient({}), scope) } : {};
const { jobs } = await serveJobs({
  queue: new SqsJobQueue(new SQSClient(clientConfig), config[RUNNER_ENV.queueUrl]),
  store: new S3ObjectStore(new S3Client(clientConfig)),
  sandbox,
  idleMs: config[RUNNER_ENV.idleSeconds] * 1000,
  ...(scope ? { run: { bucket: scope.bucket, prefix: scope.prefix, runId: scope.runId } } : {}),
  log: (line) => console.log(line),
});
console.log(JSON.stringify({ message: 'idle, stopping', jobs }));
