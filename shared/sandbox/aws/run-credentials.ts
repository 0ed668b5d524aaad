import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { SandboxFailed } from '../errors';

/**
 * A runner's credentials for its own run, and nothing else (both tiers: a runner serves one run). The task role may only
 * assume the run role (`sts:AssumeRole` + `sts:TagSession`); the run role reaches the sandbox
 * prefix and the run queues only through the session tag below (ABAC in its resource ARNs),
 * and the session policy sent here narrows the session further to this run's prefix and queue.
 * So a runner (or a job that got hold of its credentials) touches no other run's objects or queue.
 */

/** The session tag naming the run; the run role's resource ARNs read `${aws:PrincipalTag/techteam-run}`. */
export const RUN_SESSION_TAG = 'techteam-run';

/** Role chaining (task role → run role) caps a session at one hour; refreshed before it ends. */
export const RUN_SESSION_SECONDS = 3_600;
const REFRESH_BEFORE_MS = 5 * 60_000;

export interface RunScope {
  /** The run role's ARN (from the task definition's environment). */
  roleArn: string;
  runId: string;
  bucket: string;
  /** The sandbox key prefix; the run's objects are `<prefix>/<runId>/*`. */
  prefix: string;
  /** The run's queue, whose ARN is derived from its URL. */
  queueUrl: string;
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` → `arn:<partition>:sqs:<region>:<account>:<name>`. */
export function queueArnFromUrl(queueUrl: string): string {
  const url = new URL(queueUrl);
  const [account, name] = url.pathname.split('/').filter(Boolean);
  const region = /^sqs\.([a-z0-9-]+)\./.exec(url.hostname)?.[1];
  if (!account || !name || !region) throw new SandboxFailed('microvm', `not an SQS queue URL: ${queueUrl}`);
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:sqs:${region}:${account}:${name}`;
}

/** The session policy of a run's runner: its objects and its queue, named exactly. */
export function runSessionPolicy(scope: Omit<RunScope, 'roleArn'>): string {
  const queueArn = queueArnFromUrl(scope.queueUrl);
  const partition = queueArn.split(':')[1];
  const prefix = scope.prefix.replace(/\/+$/, '');
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RunJobObjects',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: `arn:${partition}:s3:::${scope.bucket}/${prefix}/${scope.runId}/*`,
      },
      {
        Sid: 'RunQueue',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: queueArn,
      },
    ],
  });
}

export interface RunCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** One AssumeRole of the run role, tagged with the run and narrowed by its session policy. */
export async function assumeRunRole(sts: STSClient, scope: RunScope): Promise<RunCredentials> {
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: scope.roleArn,
      // Session names allow 64 characters of [\w+=,.@-]: a run id fits (see RunnerPerRunSandbox's RUN_ID).
      RoleSessionName: `run-${scope.runId}`.slice(0, 64),
      DurationSeconds: RUN_SESSION_SECONDS,
      Policy: runSessionPolicy(scope),
      Tags: [{ Key: RUN_SESSION_TAG, Value: scope.runId }],
    }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration)
    throw new SandboxFailed('microvm', `AssumeRole of ${scope.roleArn} returned no credentials`);
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    expiration: c.Expiration,
  };
}

/**
 * A credential provider for the runner's S3 and SQS clients: the run role's session, assumed
 * again five minutes before it ends (a run's runner may live longer than the one-hour cap).
 */
export function runCredentialsProvider(
  sts: STSClient,
  scope: RunScope,
  now: () => number = Date.now,
): () => Promise<RunCredentials> {
  let current: Promise<RunCredentials> | undefined;
  return async () => {
    const held = current && (await current.catch(() => undefined));
    if (held && held.expiration.getTime() - now() > REFRESH_BEFORE_MS) return held;
    current = assumeRunRole(sts, scope);
    return current;
  };
}
