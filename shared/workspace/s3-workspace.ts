import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { NotFound } from '../errors';
import { inScratch } from './scratch';
import { decodeText } from './text';
import {
  checkedContent,
  type FilesOptions,
  fileInfo,
  MAX_FILE_BYTES,
  parseSnapshot,
  snapshotName,
  textFiles,
  type Workspace,
  type WorkspaceFileInfo,
  WorkspacePathInvalid,
  workspacePath,
} from './workspace';

/** A task's workspace on AWS: objects under `<tenant>/<task>/workspace/` in the artifacts bucket. */
export class S3Workspace implements Workspace {
  /**
   * @param snapshotsPrefix where snapshots are kept, one JSON object each, outside `prefix`
   *   so that no listing or job sees them.
   */
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly prefix: string,
    private readonly snapshotsPrefix: string = `${prefix.replace(/\/$/, '')}.snapshots/`,
  ) {}

  static forTask(s3: S3Client, bucket: string, tenantId: string, taskId: string): S3Workspace {
    // `snapshots/workspace/` rather than a `workspace-snapshots/` sibling: the employees'
    // functions may touch only keys matching `*/workspace/*` (infra/aws/function-access.ts).
    return new S3Workspace(
      s3,
      bucket,
      `${tenantId}/${taskId}/workspace/`,
      `${tenantId}/${taskId}/snapshots/workspace/`,
    );
  }

  private async entries(options: FilesOptions = {}): Promise<{ path: string; bytes: number }[]> {
    const out: { path: string; bytes: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key) continue;
        const path = o.Key.slice(this.prefix.length);
        if (options.includeScratch || !inScratch(path)) out.push({ path, bytes: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async list(options?: FilesOptions): Promise<string[]> {
    return (await this.entries(options)).map((e) => e.path);
  }

  async sizes(options?: FilesOptions): Promise<WorkspaceFileInfo[]> {
    const out: WorkspaceFileInfo[] = [];
    for (const { path, bytes } of await this.entries(options)) {
      out.push(fileInfo(path, bytes, bytes > MAX_FILE_BYTES ? undefined : await this.readBytes(path)));
    }
    return out;
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const rel = workspacePath(path);
    try {
      const obj = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + rel }));
      if ((obj.ContentLength ?? 0) > MAX_FILE_BYTES) {
        throw new WorkspacePathInvalid(rel, `is larger than ${MAX_FILE_BYTES} bytes`);
      }
      return (await obj.Body?.transformToByteArray()) ?? new Uint8Array();
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey') throw new NotFound('workspace file', rel);
      throw e;
    }
  }

  async read(path: string): Promise<string> {
    const rel = workspacePath(path);
    return decodeText(rel, await this.readBytes(rel));
  }

  async write(path: string, content: string): Promise<void> {
    const rel = workspacePath(path);
    checkedContent(rel, content);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + rel,
        Body: content,
        ContentType: 'text/plain; charset=utf-8',
      }),
    );
  }

  async files(options?: FilesOptions): Promise<Record<string, string>> {
    return textFiles(await this.list(options), (p) => this.read(p));
  }

  async snapshot(name: string): Promise<void> {
    const key = `${this.snapshotsPrefix}${snapshotName(name)}.json`;
    // One object per snapshot: written in one PUT (never half-visible) and read back in one GET.
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: JSON.stringify(await this.files({ includeScratch: true })),
        ContentType: 'application/json',
      }),
    );
  }

  async snapshotFiles(name: string): Promise<Record<string, string> | undefined> {
    const key = `${this.snapshotsPrefix}${snapshotName(name)}.json`;
    try {
      const obj = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return parseSnapshot((await obj.Body?.transformToString('utf8')) ?? '{}');
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }
}
