import { chownSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CgroupValues, JOB_CPU } from './limits';

type Controller = 'memory' | 'pids' | 'cpu' | 'cpuacct';

/** What this host offers for per-job control groups, detected once (v1, v2 or none). */
export interface CgroupSupport {
  version: 'v1' | 'v2' | null;
  /** Controller → the directory that holds the sandbox's groups. */
  parents: Partial<Record<Controller, string>>;
  /** Why a controller is missing, for the result's warnings. */
  problem: string | null;
}

const GROUP = 'techteam-sandbox';
let detected: CgroupSupport | undefined;

function mountsByController(): { v1: Partial<Record<Controller, string>>; v2: string | null } {
  const v1: Partial<Record<Controller, string>> = {};
  let v2: string | null = null;
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const [, dir, type, options] = line.split(' ');
    if (!dir || !options) continue;
    if (type === 'cgroup2') v2 = dir;
    if (type === 'cgroup') {
      for (const c of options.split(',')) {
        if (c === 'memory' || c === 'pids' || c === 'cpu' || c === 'cpuacct') v1[c] = dir;
      }
    }
  }
  return { v1, v2 };
}

function tryMkdir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

/** Detects cgroup v1 (per-controller hierarchies) or v2 (one unified tree with the controllers enabled). */
export function detectCgroups(): CgroupSupport {
  if (detected) return detected;
  let mounts: ReturnType<typeof mountsByController>;
  try {
    mounts = mountsByController();
  } catch {
    detected = { version: null, parents: {}, problem: 'cannot read /proc/self/mounts' };
    return detected;
  }
  if (mounts.v1.memory || mounts.v1.pids) {
    const parents: CgroupSupport['parents'] = {};
    for (const [c, dir] of Object.entries(mounts.v1) as [Controller, string][]) {
      const parent = join(dir, GROUP);
      if (tryMkdir(parent)) parents[c] = parent;
    }
    const missing = (['memory', 'pids'] as const).filter((c) => !parents[c]);
    detected = {
      version: parents.memory || parents.pids ? 'v1' : null,
      parents,
      problem: missing.length
        ? `no writable cgroup v1 controller for ${missing.join(', ')} (run as root)`
        : null,
    };
    return detected;
  }
  if (mounts.v2) {
    const root = mounts.v2;
    const available = existsSync(join(root, 'cgroup.controllers'))
      ? readFileSync(join(root, 'cgroup.controllers'), 'utf8').trim().split(/\s+/)
      : [];
    const wanted = (['memory', 'pids', 'cpu'] as const).filter((c) => available.includes(c));
    const parent = join(root, GROUP);
    try {
      if (!tryMkdir(parent)) throw new Error('cannot create');
      for (const dir of [root, parent]) {
        writeFileSync(join(dir, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
      }
      const parents: CgroupSupport['parents'] = {};
      for (const c of wanted) parents[c] = parent;
      if (wanted.includes('cpu')) parents.cpuacct = parent;
      const missing = (['memory', 'pids'] as const).filter((c) => !wanted.includes(c));
      detected = {
        version: wanted.length ? 'v2' : null,
        parents,
        problem: missing.length ? `cgroup v2 has no ${missing.join(', ')} controller` : null,
      };
    } catch {
      detected = { version: null, parents: {}, problem: 'cgroup v2 is not writable (run as root)' };
    }
    return detected;
  }
  detected = { version: null, parents: {}, problem: 'no cgroup file system is mounted' };
  return detected;
}

function readNumber(file: string, pattern?: RegExp): number {
  try {
    const text = readFileSync(file, 'utf8');
    if (!pattern) return Number(text.trim());
    return Number(pattern.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The control groups of one job: memory, process count and CPU accounting, whichever exist here. */
export class JobCgroup {
  private readonly dirs: Partial<Record<Controller, string>> = {};
  private limitsSet = '';

  constructor(
    readonly support: CgroupSupport,
    readonly name: string,
    opts: { withPids: boolean; withCpuAccounting?: boolean },
  ) {
    for (const [c, parent] of Object.entries(support.parents) as [Controller, string][]) {
      if (c === 'pids' && !opts.withPids) continue;
      // On v1 cpuacct is a hierarchy of its own: a job that never reads it need not join it.
      if (c === 'cpuacct' && opts.withCpuAccounting === false && parent !== support.parents.cpu) continue;
      const dir = join(parent, name);
      if (!tryMkdir(dir)) continue;
      this.dirs[c] = dir;
    }
    if (this.dirs.cpu) {
      // One core at most, so a job can never starve the host.
      if (support.version === 'v1')
        writeFileSync(join(this.dirs.cpu, 'cpu.cfs_quota_us'), String(JOB_CPU.quotaUs));
      else writeFileSync(join(this.dirs.cpu, 'cpu.max'), `${JOB_CPU.quotaUs} ${JOB_CPU.periodUs}`);
    }
  }

  setLimits(limits: CgroupValues): void {
    // A reused group keeps what it was given (its files are root's): write only what changes.
    const key = `${limits.memoryBytes}/${limits.pidsMax}`;
    if (key === this.limitsSet) return;
    this.limitsSet = '';
    const v1 = this.support.version === 'v1';
    if (this.dirs.memory) {
      const bytes = String(limits.memoryBytes);
      if (v1) {
        // memsw (memory + swap) must stay >= memory: order the writes by direction.
        const memsw = join(this.dirs.memory, 'memory.memsw.limit_in_bytes');
        const mem = join(this.dirs.memory, 'memory.limit_in_bytes');
        const writeSafe = (f: string) => {
          try {
            writeFileSync(f, bytes);
            return true;
          } catch {
            return false;
          }
        };
        writeSafe(mem);
        writeSafe(memsw);
        // A write the kernel refused (usage above a lowered limit) is tried again on the next job.
        if (!writeSafe(mem)) return;
      } else {
        writeFileSync(join(this.dirs.memory, 'memory.max'), bytes);
        try {
          writeFileSync(join(this.dirs.memory, 'memory.swap.max'), '0');
        } catch {}
      }
    }
    if (this.dirs.pids) writeFileSync(join(this.dirs.pids, 'pids.max'), String(limits.pidsMax));
    this.limitsSet = key;
  }

  get hasMemory(): boolean {
    return Boolean(this.dirs.memory);
  }
  get hasPids(): boolean {
    return Boolean(this.dirs.pids);
  }
  get hasCpuAccounting(): boolean {
    return Boolean(this.dirs.cpuacct);
  }

  /** The `cgroup.procs` files a process writes its pid to, to join every group of this job. */
  procsFiles(): string[] {
    return [...new Set(Object.values(this.dirs))].map((d) => join(d, 'cgroup.procs'));
  }

  /**
   * Lets `uid` move its own processes into these groups (v1 only: there a process
   * may join a group whose `cgroup.procs` it can write, when the process is its
   * own). A job then starts as its uid from the first instant, with no setpriv.
   * It gains nothing by it: it can only join the groups it is already in, and the
   * limit files stay root's. False where that does not hold (v2 asks for write
   * access to the common ancestor's `cgroup.procs`, which stays root's).
   */
  delegateJoin(uid: number): boolean {
    if (this.support.version !== 'v1') return !this.procsFiles().length;
    try {
      for (const file of this.procsFiles()) chownSync(file, uid, uid);
      return true;
    } catch {
      return false;
    }
  }

  /** The path an OCI runtime's `linux.cgroupsPath` takes (relative to each hierarchy's root). */
  get ociPath(): string {
    return `/${GROUP}/${this.name}`;
  }

  oomKills(): number {
    const dir = this.dirs.memory;
    if (!dir) return 0;
    return this.support.version === 'v1'
      ? readNumber(join(dir, 'memory.oom_control'), /oom_kill (\d+)/)
      : readNumber(join(dir, 'memory.events'), /oom_kill (\d+)/);
  }

  /** How many forks the pids limit refused. */
  pidsRefused(): number {
    const dir = this.dirs.pids;
    return dir ? readNumber(join(dir, 'pids.events'), /max (\d+)/) : 0;
  }

  /** CPU seconds used by every process of the job so far, or null without accounting. */
  cpuSeconds(): number | null {
    const dir = this.dirs.cpuacct;
    if (!dir) return null;
    if (this.support.version === 'v1') return readNumber(join(dir, 'cpuacct.usage')) / 1e9;
    return readNumber(join(dir, 'cpu.stat'), /usage_usec (\d+)/) / 1e6;
  }

  pids(): number[] {
    const out = new Set<number>();
    for (const file of this.procsFiles()) {
      try {
        for (const line of readFileSync(file, 'utf8').split('\n')) if (line) out.add(Number(line));
      } catch {}
    }
    return [...out];
  }

  /** SIGKILLs every process in the job's groups until none is left (or the deadline passes). */
  killAll(deadlineMs = 2_000): void {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const pids = this.pids();
      if (!pids.length || Date.now() > until) return;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
  }

  remove(): void {
    this.killAll();
    for (const dir of new Set(Object.values(this.dirs))) {
      const until = Date.now() + 2_000;
      for (;;) {
        try {
          rmdirSync(dir);
          break;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT' || Date.now() > until) break;
        }
      }
    }
  }
}
