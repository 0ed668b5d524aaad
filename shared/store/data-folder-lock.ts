import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TechteamError } from '../errors';

/** Who holds a data folder: written into its lock file when an engine starts on it. */
export interface FolderOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** A second engine on the same files would corrupt them: the folder's owner is named so it can be stopped. */
export class DataFolderInUse extends TechteamError {
  constructor(folder: string, owner: FolderOwner, lockFile: string) {
    super(
      'DataFolderInUse',
      409,
      `The data folder ${folder} is in use by process ${owner.pid} on ${owner.host}, started ${owner.startedAt}. ` +
        `Stop that host first (or use another TECHTEAM_DATA_DIR); if you are sure it is gone, delete ${lockFile}.`,
      { folder, owner, lockFile },
    );
  }
}

export const LOCK_FILE = 'techteam-engine.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but is someone else's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): FolderOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<FolderOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string') {
      return { pid: owner.pid, host: owner.host, startedAt: String(owner.startedAt ?? 'at an unknown time') };
    }
  } catch {
    // Unreadable or half-written: no owner can be named, so the lock is stale.
  }
  return undefined;
}

/**
 * Claims `folder` for this process with a lock file naming it. A lock whose owner is this machine's
 * and dead (the host was killed) is taken over, and `note` says so; a live owner, or one on another
 * machine (which cannot be checked from here), makes this throw DataFolderInUse.
 * Returns the release function, which removes the lock only while it is still this process's.
 */
export function claimDataFolder(folder: string, note: (line: string) => void = () => {}): () => void {
  const file = join(folder, LOCK_FILE);
  const me: FolderOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw e;
    }
    const owner = readOwner(file);
    if (owner && (owner.host !== me.host || isAlive(owner.pid)))
      throw new DataFolderInUse(folder, owner, file);
    note(
      owner
        ? `Took over ${file}: its owner, process ${owner.pid} started ${owner.startedAt}, is no longer running`
        : `Took over ${file}: it named no owner`,
    );
    try {
      unlinkSync(file);
    } catch {
      // Another starter removed it first; the exclusive create decides who wins.
    }
  }
  return () => {
    if (readOwner(file)?.pid !== me.pid) return;
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  };
}
