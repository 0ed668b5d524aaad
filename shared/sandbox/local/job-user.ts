import { mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

const FIRST_UID = 1_500_000;
const RANGE = 100_000;

/**
 * A host uid no other live job holds (RLIMIT_NPROC counts per uid, so
 * concurrent jobs must not share one). Claimed by creating `<root>/uids/<uid>`,
 * which is atomic across processes.
 */
export function claimJobUid(root: string): { uid: number; release(): void } {
  const dir = join(root, 'uids');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (let attempt = 0; attempt < 100; attempt++) {
    const uid = FIRST_UID + Math.floor(Math.random() * RANGE);
    const claim = join(dir, String(uid));
    try {
      mkdirSync(claim);
    } catch {
      continue;
    }
    return {
      uid,
      release: () => {
        try {
          rmdirSync(claim);
        } catch {}
      },
    };
  }
  throw new Error(`no free sandbox uid in ${dir}`);
}

/** Kills every host process running as `uid` (a job's uid is its own, so these are all the job's). */
export function killProcessesOfUid(uid: number): number {
  let killed = 0;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const real = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status);
      if (real && (Number(real[1]) === uid || Number(real[2]) === uid)) {
        process.kill(Number(name), 'SIGKILL');
        killed++;
      }
    } catch {}
  }
  return killed;
}
