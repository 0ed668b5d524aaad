import { describe, expect, it } from 'vitest';
import { SandboxLimits } from '../job';
import { ociSpec } from './gvisor';

const spec = (cgroupsPath: string | null) =>
  ociSpec({
    rootfs: '/r',
    work: '/w',
    argv: ['python3', 'main.py'],
    env: {},
    uid: 1000,
    limits: SandboxLimits.parse({ memoryBytes: 256 * 1024 * 1024 }),
    cgroupsPath,
  }) as {
    process: { rlimits: { type: string; soft: number; hard: number }[] };
    linux: Record<string, unknown>;
  };

describe('gVisor OCI spec', () => {
  it('without a memory cgroup, limits memory with RLIMIT_AS at the job’s memory limit', () => {
    const s = spec(null);
    expect(s.linux['cgroupsPath']).toBeUndefined();
    expect(s.process.rlimits).toContainEqual({
      type: 'RLIMIT_AS',
      soft: 256 * 1024 * 1024,
      hard: 256 * 1024 * 1024,
    });
  });

  it('with a cgroup, leaves memory to the cgroup and sets no RLIMIT_AS', () => {
    const s = spec('/techteam/job-1');
    expect(s.linux['cgroupsPath']).toBe('/techteam/job-1');
    expect(s.process.rlimits.map((r) => r.type)).not.toContain('RLIMIT_AS');
  });
});
