import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { useDeps } from '@techteam/shared/deps';
import type { Task } from '@techteam/shared/domain';
import type { Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import { objectBody } from '@techteam/shared/testing/s3-bucket';
import { mockClient } from 'aws-sdk-client-mock';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { callDoor, doorEvent } from '../testing/door-event';
import { handler as getArchive } from './get-archive';
import { handler as getFile } from './get-file';
import { handler as listFiles } from './list-files';

// The files handlers as a Lambda runs them: the runtime built from the environment, the
// workspace in S3 (the SDK mocked at the wire), the store on DynamoDB Local.
const s3 = mockClient(S3Client);
const BUCKET = 'techteam-artifacts';
const OBJECTS: Record<string, string> = {
  'src/slugify.py': 'def slugify(s):\n    return s\n',
  'README.md': '# café\n',
};

describe('the files API on the S3 workspace', () => {
  let store: Store;
  let task: Task;

  beforeAll(async () => {
    store = await freshStore();
    task = await store.createTask('acme', { prompt: 'Write a slugify function', preference: 'balanced' });
    vi.stubEnv('TECHTEAM_TABLE', store.tableName);
    vi.stubEnv('TECHTEAM_DYNAMO_ENDPOINT', inject('dynamoEndpoint'));
    vi.stubEnv('TECHTEAM_ARTIFACTS_BUCKET', BUCKET);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    useDeps(undefined);
  });
  afterAll(() => {
    useDeps(undefined);
    vi.unstubAllEnvs();
  });
  beforeEach(() => {
    s3.reset();
    const prefix = `acme/${task.id}/workspace/`;
    s3.on(ListObjectsV2Command, { Bucket: BUCKET, Prefix: prefix }).resolves({
      Contents: Object.entries(OBJECTS).map(([p, text]) => ({
        Key: prefix + p,
        Size: Buffer.byteLength(text),
      })),
    });
    for (const [path, text] of Object.entries(OBJECTS)) {
      s3.on(GetObjectCommand, { Bucket: BUCKET, Key: prefix + path }).resolves(objectBody(text));
    }
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: `${prefix}missing.py` }).rejects(
      Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }),
    );
  });

  it('lists the task’s objects under its tenant and task prefix, with their sizes', async () => {
    const res = await callDoor(listFiles, doorEvent('ListFiles', { path: { id: task.id } }));
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body!)).toEqual({
      files: [
        { path: 'README.md', bytes: 8 },
        { path: 'src/slugify.py', bytes: 29 },
      ],
    });
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix).toBe(`acme/${task.id}/workspace/`);
  });

  it('serves one file base64-encoded for API Gateway, and 404 for a missing one', async () => {
    const res = await callDoor(getFile, doorEvent('GetFile', { path: { id: task.id, path: 'README.md' } }));
    expect(res.isBase64Encoded).toBe(true);
    expect(res.headers?.['content-type']).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(res.body!, 'base64').toString()).toBe('# café\n');
    const missing = await callDoor(
      getFile,
      doorEvent('GetFile', { path: { id: task.id, path: 'missing.py' } }),
    );
    expect(missing.statusCode).toBe(404);
  });

  it('refuses a path leaving the workspace before any S3 call', async () => {
    const res = await callDoor(
      getFile,
      doorEvent('GetFile', { path: { id: task.id, path: '../other-task/workspace/secret.py' } }),
    );
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).error.details.issues[0].path).toBe('path');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('zips the workspace, and answers 404 for another tenant’s task without touching S3', async () => {
    const res = await callDoor(
      getArchive,
      doorEvent('GetArchive', { path: { id: task.id }, query: { format: 'zip' } }),
    );
    const files = unzipSync(Buffer.from(res.body!, 'base64'));
    expect(Object.keys(files).sort()).toEqual(['README.md', 'src/slugify.py']);
    expect(Buffer.from(files['README.md']!).toString()).toBe('# café\n');

    const other = await store.createTask('globex', { prompt: 'theirs', preference: 'balanced' });
    s3.resetHistory();
    const theirs = await callDoor(listFiles, doorEvent('ListFiles', { path: { id: other.id } }));
    expect(theirs.statusCode).toBe(404);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(0);
  });
});
