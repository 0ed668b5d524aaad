import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SandboxFailed } from '../errors';
import { queueArnFromUrl, RUN_SESSION_TAG, runCredentialsProvider } from './run-credentials';

const sts = mockClient(STSClient);
const scope = {
  roleArn: 'arn:aws:iam::123456789012:role/Techteam-Sandbox-RunnerRunRole',
  runId: 'tsk_01run',
  bucket: 'techteam-artifacts',
  prefix: 'sandbox',
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/techteam-sandbox-tsk_01run',
};
const inAnHour = (now: number) => new Date(now + 3_600_000);

beforeEach(() => sts.reset());

describe("a runner's run-scoped credentials", () => {
  it('assumes the run role with a session policy naming only its run prefix and its queue, tagged with the run', async () => {
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIA1',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: inAnHour(Date.now()),
      },
    });
    const creds = await runCredentialsProvider(new STSClient({ region: 'eu-west-1' }), scope)();
    expect(creds.accessKeyId).toBe('ASIA1');
    const [call] = sts.commandCalls(AssumeRoleCommand);
    const input = call!.args[0].input;
    expect(input.RoleArn).toBe(scope.roleArn);
    expect(input.Tags).toEqual([{ Key: RUN_SESSION_TAG, Value: 'tsk_01run' }]);
    const policy = JSON.parse(input.Policy!) as { Statement: { Action: string[]; Resource: string }[] };
    expect(policy.Statement.map((s) => s.Resource)).toEqual([
      'arn:aws:s3:::techteam-artifacts/sandbox/tsk_01run/*',
      'arn:aws:sqs:eu-west-1:123456789012:techteam-sandbox-tsk_01run',
    ]);
    expect(input.Policy).not.toMatch(/\*\/|sandbox\/\*|techteam-sandbox-\*/);
    expect(policy.Statement.flatMap((s) => s.Action).sort()).toEqual(
      [
        's3:GetObject',
        's3:PutObject',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ].sort(),
    );
  });

  it('keeps a session until five minutes before it ends, then assumes the role again', async () => {
    let now = 1_000_000;
    sts.on(AssumeRoleCommand).callsFake(async () => ({
      Credentials: {
        AccessKeyId: `ASIA${now}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: inAnHour(now),
      },
    }));
    const credentials = runCredentialsProvider(new STSClient({ region: 'eu-west-1' }), scope, () => now);
    const first = await credentials();
    now += 50 * 60_000;
    expect(await credentials()).toBe(first);
    now += 6 * 60_000;
    expect((await credentials()).accessKeyId).not.toBe(first.accessKeyId);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('says so when STS returns no credentials, and refuses a queue URL that is not SQS', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    await expect(runCredentialsProvider(new STSClient({ region: 'eu-west-1' }), scope)()).rejects.toThrow(
      SandboxFailed,
    );
    expect(() => queueArnFromUrl('https://example.com/q')).toThrow(SandboxFailed);
  });
});
