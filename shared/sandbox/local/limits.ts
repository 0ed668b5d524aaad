import type { SandboxLimits } from '../job';

/**
 * Where a local job's limits become kernel settings: every rlimit and every cgroup value a
 * job runs under is derived here, and nowhere else. The bwrap launcher writes the rlimits as
 * `ulimit` lines, the gVisor bundle as OCI `rlimits`, the job's cgroups take the cgroup values.
 */

/** One resource limit, in the kernel's units (bytes, seconds, counts). */
export interface Rlimit {
  resource: 'RLIMIT_CPU' | 'RLIMIT_FSIZE' | 'RLIMIT_NPROC' | 'RLIMIT_NOFILE' | 'RLIMIT_CORE' | 'RLIMIT_AS';
  soft: number;
  hard: number;
}

/** Open files per process: enough for test runners, too few to exhaust the host's table. */
export const JOB_OPEN_FILES = 512;

/** One core at most (cgroup CPU quota per period, in µs), so a job can never starve the host. */
export const JOB_CPU = { quotaUs: 100_000, periodUs: 100_000 } as const;

/**
 * The rlimits of a job. The CPU soft limit is a second under the hard one so SIGXCPU comes
 * before SIGKILL (the job is told which limit it hit). RLIMIT_AS only where no memory cgroup
 * holds the job: it limits each process's address space, which starves Node (V8 reserves
 * ~900 MB up front), so a cgroup is preferred.
 */
export function jobRlimits(limits: SandboxLimits, opts: { addressSpace: boolean }): Rlimit[] {
  const same = (resource: Rlimit['resource'], n: number): Rlimit => ({
    resource,
    soft: Math.floor(n),
    hard: Math.floor(n),
  });
  return [
    { resource: 'RLIMIT_CPU', soft: limits.cpuSeconds, hard: limits.cpuSeconds + 1 },
    same('RLIMIT_FSIZE', limits.fileBytes),
    same('RLIMIT_NPROC', limits.processes),
    same('RLIMIT_NOFILE', JOB_OPEN_FILES),
    same('RLIMIT_CORE', 0),
    ...(opts.addressSpace ? [same('RLIMIT_AS', limits.memoryBytes)] : []),
  ];
}

/** `ulimit` flags and units of dash (/bin/sh): -f counts 512-byte blocks, -v KiB. */
const ULIMIT: Record<Rlimit['resource'], { flag: string; unit: number }> = {
  RLIMIT_CPU: { flag: 't', unit: 1 },
  RLIMIT_FSIZE: { flag: 'f', unit: 512 },
  RLIMIT_NPROC: { flag: 'p', unit: 1 },
  RLIMIT_NOFILE: { flag: 'n', unit: 1 },
  RLIMIT_CORE: { flag: 'c', unit: 1 },
  RLIMIT_AS: { flag: 'v', unit: 1024 },
};

/** The rlimits as shell lines (soft before hard where they differ, as the shell needs). */
export function ulimitLines(rlimits: Rlimit[]): string[] {
  return rlimits.flatMap(({ resource, soft, hard }) => {
    const { flag, unit } = ULIMIT[resource];
    const n = (x: number) => String(Math.floor(x / unit));
    return soft === hard
      ? [`ulimit -${flag} ${n(soft)}`]
      : [`ulimit -S -${flag} ${n(soft)}`, `ulimit -H -${flag} ${n(hard)}`];
  });
}

/** The rlimits as an OCI runtime spec's `process.rlimits`. */
export function ociRlimits(rlimits: Rlimit[]): { type: string; soft: number; hard: number }[] {
  return rlimits.map(({ resource, soft, hard }) => ({ type: resource, soft, hard }));
}

/** What a job's cgroups are set to: its whole memory (no swap), its processes and threads. */
export interface CgroupValues {
  memoryBytes: number;
  pidsMax: number;
}

export function jobCgroupValues(limits: Pick<SandboxLimits, 'memoryBytes' | 'processes'>): CgroupValues {
  return { memoryBytes: limits.memoryBytes, pidsMax: limits.processes };
}
