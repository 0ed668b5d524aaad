import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectCgroups } from './cgroups';
import { sweepStaleSlots } from './job-slot';

// A uid far above the job range, so no real process can own it.
const UID = 3_999_001;
const roots: string[] = [];

function rootWithSlots(...owners: number[]): string {
  const root = mkdtempSync(join(tmpdir(), 'techteam-slots-'));
  roots.push(root);
  owners.forEach((pid, i) => {
    const work = join(root, 'slots', `slot-${pid}-${UID + i}`, 'work');
    mkdirSync(join(work, 'deep'), { recursive: true });
    writeFileSync(join(work, 'deep', 'left-behind.txt'), 'x');
    mkdirSync(join(root, 'uids', String(UID + i)), { recursive: true });
  });
  return root;
}

function deadPid(): number {
  const child = spawnSync('true');
  return child.pid ?? 0;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('sweepStaleSlots', () => {
  it("removes a dead owner's slot and uid claim, keeps a live owner's", () => {
    const root = rootWithSlots(deadPid(), process.pid);
    expect(sweepStaleSlots(root, detectCgroups())).toBe(1);
    expect(existsSync(join(root, 'slots', `slot-${process.pid}-${UID + 1}`))).toBe(true);
    expect(existsSync(join(root, 'uids', String(UID)))).toBe(false);
    expect(existsSync(join(root, 'uids', String(UID + 1)))).toBe(true);
  });

  it('two hosts sweeping the same stale slots at once both start, and every slot is gone', async () => {
    const stale = Array.from({ length: 40 }, () => deadPid());
    const root = rootWithSlots(...stale);
    const script = join(root, 'sweep.mts');
    writeFileSync(
      script,
      `import { detectCgroups } from '${join(import.meta.dirname, 'cgroups.ts')}';
import { sweepStaleSlots } from '${join(import.meta.dirname, 'job-slot.ts')}';
console.log(sweepStaleSlots(process.argv[2], detectCgroups()));`,
    );
    const runTs = join(import.meta.dirname, '..', '..', '..', 'infra', 'local', 'bin', 'run-ts.mjs');
    const sweep = () =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [runTs, script, root], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([sweep(), sweep()]);
    for (const r of results) expect(r).toEqual({ code: 0, stderr: '' });
    expect(readdirSync(join(root, 'slots'))).toEqual([]);
    expect(readdirSync(join(root, 'uids'))).toEqual([]);
  });

  it('a root without a slots folder is nothing to sweep', () => {
    const root = mkdtempSync(join(tmpdir(), 'techteam-slots-'));
    roots.push(root);
    writeFileSync(join(root, 'slots'), 'not a folder');
    expect(sweepStaleSlots(root, detectCgroups())).toBe(0);
  });
});
