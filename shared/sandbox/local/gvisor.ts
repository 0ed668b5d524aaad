import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxLimits } from '../job';
import { jobRlimits, ociRlimits } from './limits';

export const RUNSC_INSTALL = 'apt-get install -y runsc';

/**
 * The read-only root every gVisor job starts from: empty folders to mount on
 * and the usual /lib, /bin symlinks into /usr. Made once per sandbox root.
 */
export function ensureRootfs(root: string): string {
  const rootfs = join(root, 'gvisor-rootfs');
  if (existsSync(join(rootfs, '.ready'))) return rootfs;
  for (const d of ['usr', 'etc/alternatives', 'proc', 'dev', 'tmp', 'work']) {
    mkdirSync(join(rootfs, d), { recursive: true, mode: 0o755 });
  }
  for (const [link, target] of [
    ['lib', 'usr/lib'],
    ['lib64', 'usr/lib64'],
    ['bin', 'usr/bin'],
    ['sbin', 'usr/sbin'],
  ] as const) {
    try {
      symlinkSync(target, join(rootfs, link));
    } catch {}
  }
  writeFileSync(join(rootfs, 'etc/ld.so.cache'), '');
  writeFileSync(join(rootfs, '.ready'), '');
  return rootfs;
}

/**
 * The OCI runtime spec of one job: a read-only root, /usr read-only from the
 * host, a private /tmp, /work the only writable host folder, the job's uid,
 * rlimits, an environment of exactly `env`, and the job's cgroup (without one,
 * RLIMIT_AS at the memory limit instead).
 */
export function ociSpec(opts: {
  rootfs: string;
  work: string;
  argv: string[];
  env: Record<string, string>;
  uid: number;
  limits: SandboxLimits;
  cgroupsPath: string | null;
}): Record<string, unknown> {
  const { limits } = opts;
  const roBind = (path: string) =>
    existsSync(path)
      ? [{ destination: path, type: 'bind', source: path, options: ['rbind', 'ro', 'nosuid', 'nodev'] }]
      : [];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: opts.uid, gid: opts.uid },
      args: opts.argv,
      env: Object.entries(opts.env).map(([k, v]) => `${k}=${v}`),
      cwd: '/work',
      rlimits: ociRlimits(jobRlimits(limits, { addressSpace: !opts.cgroupsPath })),
      noNewPrivileges: true,
      capabilities: { bounding: [], effective: [], inheritable: [], permitted: [], ambient: [] },
    },
    root: { path: opts.rootfs, readonly: true },
    hostname: 'sandbox',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      {
        destination: '/tmp',
        type: 'tmpfs',
        source: 'tmpfs',
        options: ['nosuid', 'nodev', `size=${limits.writtenBytes}`],
      },
      { destination: '/usr', type: 'bind', source: '/usr', options: ['rbind', 'ro', 'nosuid', 'nodev'] },
      ...roBind('/etc/alternatives'),
      ...roBind('/etc/ld.so.cache'),
      { destination: '/work', type: 'bind', source: opts.work, options: ['rbind', 'rw', 'nosuid', 'nodev'] },
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      ...(opts.cgroupsPath ? { cgroupsPath: opts.cgroupsPath } : {}),
    },
  };
}

/** `runsc --rootless --network=none run` of a prepared bundle: the same invocation the AWS gVisor tier uses. */
export function runscArgs(stateRoot: string, bundle: string, id: string): string[] {
  return ['runsc', '--rootless', '--network=none', `--root=${stateRoot}`, 'run', `--bundle=${bundle}`, id];
}

export function runscCleanupArgs(stateRoot: string, id: string): string[][] {
  return [
    ['runsc', '--rootless', `--root=${stateRoot}`, 'kill', '--all', id, 'KILL'],
    ['runsc', '--rootless', `--root=${stateRoot}`, 'delete', '--force', id],
  ];
}
