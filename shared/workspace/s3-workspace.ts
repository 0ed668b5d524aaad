import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NotFound } from '../errors';
import { type Workspace, WorkspacePathInvalid, workspacePath } from './workspace';

const MAX_FILE_BYTES = 1024 * 1024;

/** A task's workspace on AWS: objects under `<tenant>/<task>/workspace/` in the artifacts bucket. */
export class S3Workspace implements Workspace {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
  ) {}

  static forTask(s3: S3Client, bucket: string, tenantId: string, taskId: string): S3Workspace {
    return new S3Workspace(s3, bucket, `${tenantId}/${taskId}/workspace/`);
  }

  async list(): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key.slice(this.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort();
  }

  async read(path: string): Promise<string> {
    const rel = workspacePath(path);
    try {
      const obj = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + rel }));
      if ((obj.ContentLength ?? 0) > MAX_FILE_BYTES) {
        throw new WorkspacePathInvalid(rel, `is larger than ${MAX_FILE_BYTES} bytes`);
      }
      return (await obj.Body?.transformToString('utf8')) ?? '';
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey') throw new NotFound('workspace file', rel);
      throw e;
    }
  }

  async write(path: string, content: string): Promise<void> {
    const rel = workspacePath(path);
    if (Buffer.byteLength(content) > MAX_FILE_BYTES) {
      throw new WorkspacePathInvalid(rel, `would be larger than ${MAX_FILE_BYTES} bytes`);
    }
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + rel,
        Body: content,
        ContentType: 'text/plain; charset=utf-8',
      }),
    );
  }

  async files(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of await this.list()) out[p] = await this.read(p);
    return out;
  }
}
