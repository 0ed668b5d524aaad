import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { NotFound } from '../errors';
import { inMemoryBucket, objectBody } from '../testing/s3-bucket';
import { S3Workspace } from './s3-workspace';
import { WorkspaceFileBinary, WorkspacePathInvalid } from './workspace';

const s3 = mockClient(S3Client);
const ws = () => S3Workspace.forTask(new S3Client({ region: 'us-east-1' }), 'artifacts', 'acme', 'tsk_1');
const PREFIX = 'acme/tsk_1/workspace/';

describe('S3Workspace', () => {
  beforeEach(() => s3.reset());

  it('writes under the tenant and task prefix, and lists without it', async () => {
    s3.on(PutObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({
      Contents: [{ Key: `${PREFIX}src/a.py` }, { Key: `${PREFIX}README.md` }],
    });
    await ws().write('src/a.py', 'x = 1');
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'artifacts',
      Key: `${PREFIX}src/a.py`,
      Body: 'x = 1',
    });
    expect(await ws().list()).toEqual(['README.md', 'src/a.py']);
  });

  it('reads a file, and answers NotFound for a missing one', async () => {
    s3.on(GetObjectCommand, { Key: `${PREFIX}a.py` }).resolves(objectBody('print(1)'));
    s3.on(GetObjectCommand, { Key: `${PREFIX}b.py` }).rejects(
      Object.assign(new Error('no'), { name: 'NoSuchKey' }),
    );
    expect(await ws().read('a.py')).toBe('print(1)');
    await expect(ws().read('b.py')).rejects.toBeInstanceOf(NotFound);
  });

  it('refuses a path outside the workspace before any call', async () => {
    await expect(ws().write('../other-tenant/x', 'x')).rejects.toBeInstanceOf(WorkspacePathInvalid);
    expect(s3.calls()).toHaveLength(0);
  });

  it('refuses a binary object as text, lists it as binary and leaves it out of files()', async () => {
    inMemoryBucket(
      s3,
      new Map<string, Uint8Array | string>([
        [`${PREFIX}img.png`, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00])],
        [`${PREFIX}a.py`, 'x = 1\n'],
      ]),
    );
    await expect(ws().read('img.png')).rejects.toBeInstanceOf(WorkspaceFileBinary);
    expect(await ws().sizes()).toEqual([
      { path: 'a.py', bytes: 6, lines: 1 },
      { path: 'img.png', bytes: 6, unreadable: 'binary' },
    ]);
    expect(await ws().files()).toEqual({ 'a.py': 'x = 1\n' });
  });

  it("leaves QA's scratch folder out unless asked", async () => {
    inMemoryBucket(s3);
    await ws().write('calc.py', 'def add(a, b): ...\n');
    await ws().write('qa_probes/test_probe.py', 'import calc\n');
    expect(await ws().list()).toEqual(['calc.py']);
    expect(await ws().files({ includeScratch: true })).toEqual({
      'calc.py': 'def add(a, b): ...\n',
      'qa_probes/test_probe.py': 'import calc\n',
    });
  });

  it('keeps a snapshot as one object outside the workspace prefix, within the keys employees may touch', async () => {
    const objects = inMemoryBucket(s3);
    await ws().write('a.py', 'v1\n');
    await ws().snapshot('step-build-round-1');
    await ws().write('a.py', 'v2\n');
    expect(await ws().snapshotFiles('step-build-round-1')).toEqual({ 'a.py': 'v1\n' });
    expect(await ws().snapshotFiles('missing')).toBeUndefined();
    expect(await ws().list()).toEqual(['a.py']);
    const snapshotKey = [...objects.keys()].find((k) => !k.startsWith(PREFIX));
    expect(snapshotKey).toBe('acme/tsk_1/snapshots/workspace/step-build-round-1.json');
    // The employees' functions are granted `*/workspace/*` (infra/aws/function-access.ts).
    expect(snapshotKey).toMatch(/^.*\/workspace\/.*$/);
  });
});
