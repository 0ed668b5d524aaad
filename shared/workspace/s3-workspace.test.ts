import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotFound } from '../errors';
import { S3Workspace } from './s3-workspace';
import { WorkspacePathInvalid } from './workspace';

const s3 = mockClient(S3Client);
const ws = () => S3Workspace.forTask(new S3Client({ region: 'us-east-1' }), 'artifacts', 'acme', 'tsk_1');

describe('S3Workspace', () => {
  beforeEach(() => s3.reset());

  it('writes under the tenant and task prefix, and lists without it', async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: 'acme/tsk_1/workspace/src/a.py' }, { Key: 'acme/tsk_1/workspace/README.md' }],
    });
    await ws().write('src/a.py', 'x = 1');
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'artifacts',
      Key: 'acme/tsk_1/workspace/src/a.py',
      Body: 'x = 1',
    });
    expect(await ws().list()).toEqual(['README.md', 'src/a.py']);
  });

  it('reads a file, and answers NotFound for a missing one', async () => {
    s3.on(GetObjectCommand, { Key: 'acme/tsk_1/workspace/a.py' }).resolves({
      Body: { transformToString: async () => 'print(1)' } as never,
      ContentLength: 8,
    });
    s3.on(GetObjectCommand, { Key: 'acme/tsk_1/workspace/b.py' }).rejects(
      Object.assign(new Error('no'), { name: 'NoSuchKey' }),
    );
    expect(await ws().read('a.py')).toBe('print(1)');
    await expect(ws().read('b.py')).rejects.toBeInstanceOf(NotFound);
  });

  it('refuses a path outside the workspace before any call', async () => {
    await expect(ws().write('../other-tenant/x', 'x')).rejects.toBeInstanceOf(WorkspacePathInvalid);
    expect(s3.calls()).toHaveLength(0);
  });
});
