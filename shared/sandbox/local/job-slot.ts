import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type CgroupSupport, JobCgroup } from './cgroups';
import { claimJobUid, killProcessesOfUid } from './job-user';
import { jobCgroupValues } from './limits';

/**
 * What one running job holds on the host, made once and reused job after job
 * (creating cgroups and mounting a tmpfs cost more than the job's start):
 * a uid of its own, a size-capped tmpfs folder, and cgroups. Between jobs every
 * process is killed and the folder emptied; counters are read as deltas.
 */
export class JobSlot {
  readonly uid: number | null;
  readonly dir: string;
  readonly work: string;
  readonly cgroup: JobCgroup;
  capped = false;
  /**
   * The job's first process can be spawned as its uid (no groups, no capabilities)
   * and join its groups itself, so no setpriv runs between the launcher and bwrap.
   */
  readonly startsAsUid: boolean;
  private mountedBytes = 0;
  private readonly releaseUid: () => void;
  private baseline = { oom: 0, pids: 0, cpu: 0 };

  constructor(root: string, support: CgroupSupport, opts: { gvisor: boolean }, asRoot: boolean) {
    const claim = asRoot ? claimJobUid(root) : null;
    this.uid = claim?.uid ?? null;
    this.releaseUid = claim?.release ?? (() => {});
    const name = `slot-${process.pid}-${this.uid ?? Math.floor(Math.random() * 1e9)}`;
    mkdirSync(join(root, 'slots'), { recursive: true });
    chmodSync(join(root, 'slots'), 0o711);
    this.dir = join(root, 'slots', name);
    this.work = join(this.dir, 'work');
    mkdirSync(this.work, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o711);
    // runsc keeps its own pids and reports CPU through cpuacct; a bwrap job is the other way round.
    this.cgroup = new JobCgroup(support, name, { withPids: !opts.gvisor, withCpuAccounting: opts.gvisor });
    this.startsAsUid =
      this.uid !== null && !opts.gvisor && noInheritableCaps() && this.cgroup.delegateJoin(this.uid);
  }

  /** Sets this job's limits; remounts the folder's tmpfs when the size changes. */
  prepare(limits: { memoryBytes: number; processes: number; writtenBytes: number }): void {
    this.cgroup.setLimits(jobCgroupValues(limits));
    if (process.getuid?.() === 0 && this.mountedBytes !== limits.writtenBytes) {
      const opts = [`size=${limits.writtenBytes}`, 'mode=0700', 'nosuid', 'nodev'];
      if (this.uid !== null) opts.push(`uid=${this.uid}`, `gid=${this.uid}`);
      const args = this.capped
        ? ['-o', `remount,${opts.join(',')}`, this.work]
        : ['-t', 'tmpfs', '-o', opts.join(','), 'techteam-job', this.work];
      this.capped = spawnSync('mount', args, { stdio: 'ignore' }).status === 0 || this.capped;
      if (this.capped) this.mountedBytes = limits.writtenBytes;
    }
    this.baseline = {
      oom: this.cgroup.oomKills(),
      pids: this.cgroup.pidsRefused(),
      cpu: this.cgroup.cpuSeconds() ?? 0,
    };
  }

  oomKills(): number {
    return this.cgroup.oomKills() - this.baseline.oom;
  }
  pidsRefused(): number {
    return this.cgroup.pidsRefused() - this.baseline.pids;
  }
  cpuSeconds(): number | null {
    const used = this.cgroup.cpuSeconds();
    return used === null ? null : used - this.baseline.cpu;
  }

  /** Kills everything the job left running: its cgroups, and every process of its uid. */
  killAll(): void {
    this.cgroup.killAll();
    if (this.uid !== null && (!this.cgroup.hasPids || !this.cgroup.hasMemory)) killProcessesOfUid(this.uid);
  }

  /** Readies the slot for the next job: no process left, the folder empty. */
  reset(): void {
    this.killAll();
    // Names as bytes: a name that is not UTF-8 read as a string would be mangled, not removed,
    // and reach the next job.
    const work = Buffer.from(this.work);
    for (const name of readdirSync(work, { encoding: 'buffer' }))
      rmSync(Buffer.concat([work, Buffer.from('/'), name]), { recursive: true, force: true });
  }

  destroy(): void {
    this.killAll();
    this.cgroup.remove();
    if (this.capped) spawnSync('umount', ['-l', this.work], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
    this.releaseUid();
  }
}

/**
 * Removes the slots of processes that are gone (a crashed host or test run):
 * their processes, cgroups, tmpfs mounts and uid claims.
 */
export function sweepStaleSlots(root: string, support: CgroupSupport): number {
  let swept = 0;
  let names: string[];
  try {
    names = readdirSync(join(root, 'slots'));
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = /^slot-(\d+)-(\d+)$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    try {
      process.kill(pid, 0);
      continue; // its owner is alive
    } catch {}
    const uid = Number(m[2]);
    // Two hosts starting at once both see a dead owner's slot: whoever removes it first wins,
    // and a slot that cannot be removed now is left for the next sweep rather than
    // failing the host's start.
    try {
      const cgroup = new JobCgroup(support, name, { withPids: true });
      cgroup.remove();
      killProcessesOfUid(uid);
      const dir = join(root, 'slots', name);
      spawnSync('umount', ['-l', join(dir, 'work')], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      rmSync(join(root, 'uids', String(uid)), { recursive: true, force: true });
      swept++;
    } catch {}
  }
  return swept;
}

/**
 * True when this process passes no capability across a uid change: a child spawned
 * with another uid then holds none, as setpriv --inh-caps=-all would make sure.
 */
function noInheritableCaps(): boolean {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    return /^CapInh:\s+0+$/m.test(status) && /^CapAmb:\s+0+$/m.test(status);
  } catch {
    return false;
  }
}
