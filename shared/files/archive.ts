import { zipSync } from 'fflate';
import { packTar } from 'modern-tar';
import { TechteamError } from '../errors';
import type { Workspace } from '../workspace';

export const ARCHIVE_FORMATS = ['zip', 'tar'] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];

/**
 * A Lambda answers at most 6 MB, and a binary body travels base64-encoded
 * (4 bytes for every 3): 4 MiB of archive is what fits with room for headers.
 * The local host enforces the same, so what works locally works deployed.
 */
export const MAX_ARCHIVE_BYTES = 4 * 1024 * 1024;

export class ArchiveTooLarge extends TechteamError {
  constructor(bytes: number) {
    super(
      'ArchiveTooLarge',
      413,
      `The workspace's archive is ${bytes} bytes, more than the ${MAX_ARCHIVE_BYTES} an API response can carry; list the files (GET /v1/tasks/{id}/files) and fetch them one by one`,
      { bytes, limit: MAX_ARCHIVE_BYTES },
    );
  }
}

export interface Archive {
  content: Buffer;
  contentType: string;
  fileName: string;
}

/** Every file of the workspace in one zip (deflated) or tar (ustar) archive. */
export async function archiveWorkspace(
  workspace: Workspace,
  format: ArchiveFormat,
  name: string,
): Promise<Archive> {
  // Bytes as stored, binary files included: files() is the text the employees work with.
  const files: (readonly [string, Uint8Array])[] = [];
  for (const path of await workspace.list()) files.push([path, await workspace.readBytes(path)] as const);
  // A fixed date keeps an archive of the same files byte-identical (cacheable, comparable).
  const mtime = new Date('2000-01-01T00:00:00Z');
  const bytes =
    format === 'zip'
      ? zipSync(Object.fromEntries(files.map(([path, data]) => [path, [data, { mtime }]])), { level: 6 })
      : await packTar(
          files.map(([path, data]) => ({ header: { name: path, size: data.byteLength, mtime }, body: data })),
        );
  if (bytes.byteLength > MAX_ARCHIVE_BYTES) throw new ArchiveTooLarge(bytes.byteLength);
  return {
    content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    contentType: format === 'zip' ? 'application/zip' : 'application/x-tar',
    fileName: `${name}.${format}`,
  };
}
