import { lstat, mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { InvalidInput, NotFound } from '../errors';
import * as z from '../zod';
import { WorkspaceFileBinary, WorkspacePathInvalid } from './errors';
import { inScratch } from './scratch';
import { countLines, decodeText, looksBinary } from './text';

export { WorkspaceFileBinary, WorkspacePathInvalid } from './errors';

export const MAX_FILE_BYTES = 1024 * 1024;

/** A relative, normalised path inside the workspace, or WorkspacePathInvalid. */
export function workspacePath(path: string): string {
  if (typeof path !== 'string' || !path.trim()) throw new WorkspacePathInvalid(String(path), 'is empty');
  if (path.includes('\0')) throw new WorkspacePathInvalid(path, 'contains a NUL byte');
  const norm = posix.normalize(path.replace(/\\/g, '/')).replace(/^\.\//, '');
  if (norm.startsWith('/') || norm === '..' || norm.startsWith('../')) {
    throw new WorkspacePathInvalid(path, 'is outside the workspace');
  }
  if (norm.split('/').some((seg) => seg === '.git' || seg === 'node_modules')) {
    throw new WorkspacePathInvalid(path, 'is in a folder the workspace does not hold');
  }
  return norm;
}

/** A snapshot's name: one safe segment (it names a stored object), e.g. `step-build-round-1`. */
export function snapshotName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name) || name.includes('..')) {
    throw new InvalidInput(`Snapshot name '${name}' must be letters, digits, '.', '_' or '-' (at most 128)`, [
      { path: 'name', message: 'not a safe name' },
    ]);
  }
  return name;
}

const SnapshotBody = z.record(z.string(), z.string());

/** A stored snapshot read back; anything that is not path → text is a corrupt snapshot. */
export function parseSnapshot(body: string): Record<string, string> {
  return SnapshotBody.parse(JSON.parse(body));
}

export interface FilesOptions {
  /** Include QA's scratch folder (`qa_probes/`), which is left out by default. */
  includeScratch?: boolean;
}

/** One file of a listing. */
export interface WorkspaceFileInfo {
  path: string;
  bytes: number;
  /** Lines of a text file; absent when the file cannot be read as text. */
  lines?: number;
  /** Why the file cannot be read as text ('binary', 'larger than 1048576 bytes'). */
  unreadable?: string;
}

/** A task's files: what the employees read and write, and what the sandbox runs. */
export interface Workspace {
  /** Every file's path, sorted. */
  list(options?: FilesOptions): Promise<string[]>;
  /** Every file with its size in bytes and, for text, in lines. */
  sizes(options?: FilesOptions): Promise<WorkspaceFileInfo[]>;
  /** A text file; WorkspaceFileBinary for one that is not UTF-8 text, NotFound for none. */
  read(path: string): Promise<string>;
  /** A file's bytes as stored, text or not (what the files API serves); NotFound for none. */
  readBytes(path: string): Promise<Uint8Array>;
  write(path: string, content: string): Promise<void>;
  /** Every text file and its content (what a sandbox job receives); binary and oversized files are left out. */
  files(options?: FilesOptions): Promise<Record<string, string>>;
  /** Keeps a copy of every text file now (the scratch folder too) under `name`, replacing an older one. */
  snapshot(name: string): Promise<void>;
  /** The files as they were at `snapshot(name)`, or undefined when there is no such snapshot. */
  snapshotFiles(name: string): Promise<Record<string, string> | undefined>;
}

/** The checks every adapter makes before it stores content. */
export function checkedContent(rel: string, content: string): void {
  if (Buffer.byteLength(content) > MAX_FILE_BYTES) {
    throw new WorkspacePathInvalid(rel, `would be larger than ${MAX_FILE_BYTES} bytes`);
  }
  if (looksBinary(content)) {
    throw new WorkspacePathInvalid(rel, 'would hold NUL characters: the workspace holds text files only');
  }
}

/** A listing entry from a file's size and (when small enough to read) its bytes. */
export function fileInfo(path: string, bytes: number, body: Uint8Array | undefined): WorkspaceFileInfo {
  if (!body) return { path, bytes, unreadable: `larger than ${MAX_FILE_BYTES} bytes` };
  try {
    return { path, bytes, lines: countLines(decodeText(path, body)) };
  } catch (e) {
    if (e instanceof WorkspaceFileBinary) return { path, bytes, unreadable: 'binary' };
    throw e;
  }
}

/** Reads each path as text, leaving out the files that are not text or too large. */
export async function textFiles(
  paths: string[],
  read: (path: string) => Promise<string>,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const p of paths) {
    try {
      out[p] = await read(p);
    } catch (e) {
      if (e instanceof WorkspaceFileBinary || e instanceof WorkspacePathInvalid) continue;
      throw e;
    }
  }
  return out;
}

const SKIPPED_DIRS = new Set(['.git', 'node_modules', '__pycache__', '.pytest_cache']);

/**
 * A workspace in a local folder. Symlinks are never followed: they are not part
 * of the workspace. Snapshots live beside the folder (`<root>.snapshots/`), out
 * of the files a job or a listing sees.
 */
export class LocalWorkspace implements Workspace {
  readonly root: string;
  private readonly snapshotsRoot: string;

  constructor(root: string, snapshotsRoot?: string) {
    this.root = resolve(root);
    this.snapshotsRoot = snapshotsRoot ?? `${this.root}.snapshots`;
  }

  private async entries(options: FilesOptions = {}): Promise<{ path: string; bytes: number }[]> {
    const out: { path: string; bytes: number }[] = [];
    const walk = async (dir: string, prefix: string) => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw e;
      }
      for (const e of entries) {
        const rel = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!SKIPPED_DIRS.has(e.name)) await walk(join(dir, e.name), rel);
        } else if (e.isFile() && (options.includeScratch || !inScratch(rel))) {
          const info = await lstat(join(dir, e.name)).catch(() => undefined);
          if (info?.isFile()) out.push({ path: rel, bytes: info.size });
        }
      }
    };
    await walk(this.root, '');
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async list(options?: FilesOptions): Promise<string[]> {
    return (await this.entries(options)).map((e) => e.path);
  }

  async sizes(options?: FilesOptions): Promise<WorkspaceFileInfo[]> {
    const out: WorkspaceFileInfo[] = [];
    for (const { path, bytes } of await this.entries(options)) {
      const body = bytes > MAX_FILE_BYTES ? undefined : await readFile(join(this.root, path));
      out.push(fileInfo(path, bytes, body));
    }
    return out;
  }

  async read(path: string): Promise<string> {
    const rel = workspacePath(path);
    return decodeText(rel, await this.readBytes(rel));
  }

  async readBytes(path: string): Promise<Uint8Array> {
    const rel = workspacePath(path);
    const full = join(this.root, rel);
    let info: import('node:fs').Stats;
    try {
      info = await lstat(full);
    } catch {
      throw new NotFound('workspace file', rel);
    }
    if (!info.isFile()) throw new WorkspacePathInvalid(rel, 'is not a regular file');
    if (info.size > MAX_FILE_BYTES)
      throw new WorkspacePathInvalid(rel, `is larger than ${MAX_FILE_BYTES} bytes`);
    return readFile(full);
  }

  async write(path: string, content: string): Promise<void> {
    const rel = workspacePath(path);
    checkedContent(rel, content);
    const full = join(this.root, rel);
    // Refuse to write through a symlinked parent: every segment must be a real folder.
    let dir = this.root;
    for (const seg of rel.split('/').slice(0, -1)) {
      dir = join(dir, seg);
      const info = await lstat(dir).catch(() => undefined);
      if (info && !info.isDirectory())
        throw new WorkspacePathInvalid(rel, 'goes through something that is not a folder');
    }
    const existing = await lstat(full).catch(() => undefined);
    if (existing && !existing.isFile()) throw new WorkspacePathInvalid(rel, 'is not a regular file');
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content, 'utf8');
  }

  async files(options?: FilesOptions): Promise<Record<string, string>> {
    return textFiles(await this.list(options), (p) => this.read(p));
  }

  async snapshot(name: string): Promise<void> {
    const file = join(this.snapshotsRoot, `${snapshotName(name)}.json`);
    const body = JSON.stringify(await this.files({ includeScratch: true }));
    await mkdir(this.snapshotsRoot, { recursive: true });
    // Written aside and renamed, so a reader never sees half a snapshot.
    await writeFile(`${file}.tmp`, body, 'utf8');
    await rename(`${file}.tmp`, file);
  }

  async snapshotFiles(name: string): Promise<Record<string, string> | undefined> {
    const file = join(this.snapshotsRoot, `${snapshotName(name)}.json`);
    let body: string;
    try {
      body = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return parseSnapshot(body);
  }
}
