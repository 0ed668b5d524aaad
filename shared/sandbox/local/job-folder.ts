import {
  chownSync,
  closeSync,
  constants,
  fstatSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { checkWriteBackPath, printablePath } from '../../workspace/write-back';
import type { JobResult } from '../job';

const MAX_COLLECTED_FILE = 1024 * 1024;

/** Writes the job's files into its (empty) folder, owned by the job's uid. */
export function writeWorkspace(work: string, files: Record<string, string>, uid: number | null): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(work, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  if (uid !== null) chownTree(work, uid, uid);
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, e.name);
    if (e.isDirectory()) chownTree(full, uid, gid);
    else lchownSync(full, uid, gid);
  }
}

/** True when the folder's tmpfs has no room left (the job wrote up to `writtenBytes`). */
export function folderFull(folder: { work: string; capped: boolean }): boolean {
  if (!folder.capped) return false;
  try {
    const s = statfsSync(folder.work);
    return s.bavail * s.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a regular file without following a symlink at the last step (O_NOFOLLOW). */
function readRegular(full: Buffer, size: number): Buffer {
  const fd = openSync(full, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buf.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** Caches a job leaves behind: not part of its result, and not worth a note. */
const CACHE_FOLDERS = new Set(['__pycache__', '.pytest_cache']);

/**
 * What the job created, changed and deleted. Walks with lstat and never
 * follows a symlink: a link (to a host file or anything else) is reported as
 * skipped and neither read nor copied back. Names are read as the job's bytes
 * and each path must pass the workspace's write-back rule (`checkWriteBackPath`):
 * a file (or folder) it refuses — not UTF-8, a newline, a backslash, `.git`,
 * `node_modules`, too long — is skipped with the reason, and the rest is kept.
 */
export function collectChanges(work: string, input: Record<string, string>): JobResult['files'] {
  const changed: Record<string, string> = {};
  const skipped: { path: string; reason: string }[] = [];
  const present = new Set<string>();
  const root = Buffer.from(work);
  const slash = Buffer.from('/');
  const walk = (rel: Buffer) => {
    let entries: import('node:fs').Dirent<Buffer>[];
    try {
      entries = readdirSync(rel.length ? Buffer.concat([root, slash, rel]) : root, {
        withFileTypes: true,
        encoding: 'buffer',
      });
    } catch (e) {
      if (rel.length)
        skipped.push({ path: printablePath(rel), reason: `folder not readable (${errorCode(e)})` });
      return;
    }
    for (const e of entries) {
      const relName = rel.length ? Buffer.concat([rel, slash, e.name]) : e.name;
      const full = Buffer.concat([root, slash, relName]);
      let info: import('node:fs').Stats;
      try {
        info = lstatSync(full);
      } catch {
        continue;
      }
      if (info.isDirectory() && CACHE_FOLDERS.has(e.name.toString('latin1'))) continue;
      const check = checkWriteBackPath(relName);
      if (!check.ok) {
        skipped.push({ path: check.path, reason: check.reason });
        continue;
      }
      const path = check.path;
      if (info.isSymbolicLink()) {
        skipped.push({ path, reason: 'symlink (never followed)' });
      } else if (info.isDirectory()) {
        walk(relName);
      } else if (!info.isFile()) {
        skipped.push({ path, reason: 'not a regular file' });
      } else if (info.size > MAX_COLLECTED_FILE) {
        skipped.push({ path, reason: `larger than ${MAX_COLLECTED_FILE} bytes` });
      } else {
        let text: string;
        try {
          text = utf8.decode(readRegular(full, info.size));
        } catch {
          skipped.push({ path, reason: 'not UTF-8 text' });
          continue;
        }
        present.add(path);
        if (input[path] !== text) changed[path] = text;
      }
    }
  };
  walk(Buffer.alloc(0));
  const deleted = Object.keys(input)
    .filter((p) => !present.has(p) && !skipped.some((s) => s.path === p))
    .sort();
  return { changed, deleted, skipped };
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}
