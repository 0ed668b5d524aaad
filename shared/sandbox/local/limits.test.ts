import { describe, expect, it } from 'vitest';
import { SandboxLimits } from '../job';
import { launcher } from './bwrap';
import { ociSpec } from './gvisor';
import { JOB_OPEN_FILES, jobCgroupValues, jobRlimits, ociRlimits, ulimitLines } from './limits';

const MiB = 1024 * 1024;
const limits = SandboxLimits.parse({
  cpuSeconds: 7,
  fileBytes: 2 * MiB,
  processes: 20,
  memoryBytes: 256 * MiB,
});

describe('job limits, turned into rlimits and cgroup values in one place', () => {
  it('gives CPU a soft limit a second under the hard one, and every other rlimit one value', () => {
    expect(jobRlimits(limits, { addressSpace: false })).toEqual([
      { resource: 'RLIMIT_CPU', soft: 7, hard: 8 },
      { resource: 'RLIMIT_FSIZE', soft: 2 * MiB, hard: 2 * MiB },
      { resource: 'RLIMIT_NPROC', soft: 20, hard: 20 },
      { resource: 'RLIMIT_NOFILE', soft: JOB_OPEN_FILES, hard: JOB_OPEN_FILES },
      { resource: 'RLIMIT_CORE', soft: 0, hard: 0 },
    ]);
  });

  it('limits address space only where no memory cgroup holds the job', () => {
    expect(jobRlimits(limits, { addressSpace: true }).at(-1)).toEqual({
      resource: 'RLIMIT_AS',
      soft: 256 * MiB,
      hard: 256 * MiB,
    });
  });

  it("writes the shell's units: 512-byte blocks for file size, KiB for address space", () => {
    expect(ulimitLines(jobRlimits(limits, { addressSpace: true }))).toEqual([
      'ulimit -S -t 7',
      'ulimit -H -t 8',
      `ulimit -f ${(2 * MiB) / 512}`,
      'ulimit -p 20',
      `ulimit -n ${JOB_OPEN_FILES}`,
      'ulimit -c 0',
      `ulimit -v ${(256 * MiB) / 1024}`,
    ]);
  });

  it('the bwrap launcher and the gVisor bundle both take their rlimits from here', () => {
    const script = launcher([], limits, { addressSpace: false }, ['/bin/true'])[2]!;
    for (const line of ulimitLines(jobRlimits(limits, { addressSpace: false })))
      expect(script).toContain(line);
    const spec = ociSpec({
      rootfs: '/r',
      work: '/w',
      argv: ['/bin/true'],
      env: {},
      uid: 65534,
      limits,
      cgroupsPath: null,
    }) as { process: { rlimits: unknown } };
    expect(spec.process.rlimits).toEqual(ociRlimits(jobRlimits(limits, { addressSpace: true })));
  });

  it("sets the job's cgroups to its whole memory and its process count", () => {
    expect(jobCgroupValues(limits)).toEqual({ memoryBytes: 256 * MiB, pidsMax: 20 });
  });
});
