import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { NotFound, TechteamError } from '../errors';

export class WorkspacePathInvalid extends TechteamError {
  constructor(path: string, why: string) {
    super('WorkspacePathInvalid', 400, `Workspace path '${path}' ${why}`, { path });
  }
}

const MAX_FILE_BYTES = 1024 * 1024;

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

/** A task's files: what the employees read and write, and what the sandbox runs. */
export interface Workspace {
  list(): Promise<string[]>;
  read(path: string): Promise<string>;
  write(path: string, content: string): Promise<void>;
  /** Every file and its content (what a sandbox job receives). */
  files(): Promise<Record<string, string>>;
}

/** A workspace in a local folder. Symlinks are never followed: they are not part of the workspace. */
export class LocalWorkspace implements Workspace {
  constructor(readonly root: string) {}

  async list(): Promise<string[]> {
    const out: string[] = [];
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
          if (
            e.name !== '.git' &&
            e.name !== 'node_modules' &&
            e.name !== '__pycache__' &&
            e.name !== '.pytest_cache'
          ) {
            await walk(join(dir, e.name), rel);
          }
        } else if (e.isFile()) out.push(rel);
      }
    };
    await walk(this.root, '');
    return out.sort();
  }

  async read(path: string): Promise<string> {
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
    return readFile(full, 'utf8');
  }

  async write(path: string, content: string): Promise<void> {
    const rel = workspacePath(path);
    if (Buffer.byteLength(content) > MAX_FILE_BYTES) {
      throw new WorkspacePathInvalid(rel, `would be larger than ${MAX_FILE_BYTES} bytes`);
    }
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

  async files(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const p of await this.list()) out[p] = await this.read(p);
    return out;
  }
}
