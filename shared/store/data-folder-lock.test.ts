import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimDataFolder, DataFolderInUse, LOCK_FILE } from './data-folder-lock';

const folder = () => mkdtempSync(join(tmpdir(), 'lock-'));

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync('true');
  return child.pid ?? 999_999;
}

describe('claimDataFolder', () => {
  it('writes a lock naming this process, its host and start time, and removes it on release', () => {
    const dir = folder();
    const release = claimDataFolder(dir);
    const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Number.isNaN(Date.parse(owner.startedAt))).toBe(false);
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a folder whose owner is alive, naming the owner and the lock file', () => {
    const dir = folder();
    const release = claimDataFolder(dir);
    try {
      expect(() => claimDataFolder(dir)).toThrow(DataFolderInUse);
      expect(() => claimDataFolder(dir)).toThrow(
        new RegExp(`in use by process ${process.pid} on ${hostname()}, started .*${LOCK_FILE}`),
      );
    } finally {
      release();
    }
  });

  it('takes over the lock of a dead owner on this machine, with a note', () => {
    const dir = folder();
    const pid = deadPid();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid, host: hostname(), startedAt: '2026-01-01T00:00:00Z' }),
    );
    const notes: string[] = [];
    const release = claimDataFolder(dir, (line) => notes.push(line));
    expect(notes).toEqual([expect.stringMatching(new RegExp(`process ${pid} .* is no longer running`))]);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
  });

  it('refuses a lock held on another machine, which it cannot check', () => {
    const dir = folder();
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), host: 'elsewhere', startedAt: 'x' }),
    );
    expect(() => claimDataFolder(dir)).toThrow(/on elsewhere/);
  });

  it('does not remove a lock another process took over since', () => {
    const dir = folder();
    const release = claimDataFolder(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), startedAt: 'x' }));
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
