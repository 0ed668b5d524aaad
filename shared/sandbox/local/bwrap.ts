import { existsSync } from 'node:fs';
import type { SandboxLimits } from '../job';
import { jobRlimits, ulimitLines } from './limits';

export const BWRAP_INSTALL = 'apt-get install -y bubblewrap';

/**
 * The launcher every local job starts through: a root shell that joins the
 * job's cgroups, sets its rlimits (limits.ts), drops its own environment, and execs the rest.
 */
export function launcher(
  procsFiles: string[],
  limits: SandboxLimits,
  opts: { addressSpace: boolean },
  rest: string[],
): string[] {
  const script = [
    'for f; do [ "$f" = -- ] && break; echo $$ > "$f" || exit 125; shift; done; shift',
    'set -e',
    ...ulimitLines(jobRlimits(limits, opts)),
    'unset PWD OLDPWD',
    'set +e',
    'exec "$@"',
  ].join('\n');
  return ['/bin/sh', '-c', script, 'sh', ...procsFiles, '--', ...rest];
}

/** Drops to the job's own uid with no groups and no capabilities. */
export function dropPrivilegesArgs(uid: number): string[] {
  return ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--inh-caps=-all', '--'];
}

/**
 * bubblewrap with every namespace unshared (network included, so only the
 * sandbox's own loopback exists), the system read-only, a private size-capped
 * /tmp, only the job folder writable at /work, user namespaces disabled inside,
 * all capabilities dropped, and an environment of exactly `env`.
 */
export function bwrapArgs(work: string, env: Record<string, string>, limits: SandboxLimits): string[] {
  const tryRo = (path: string) => (existsSync(path) ? ['--ro-bind', path, path] : []);
  return [
    'bwrap',
    ...['--ro-bind', '/usr', '/usr'],
    ...['--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64'],
    ...['--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin'],
    ...tryRo('/etc/alternatives'),
    ...tryRo('/etc/ld.so.cache'),
    ...['--proc', '/proc', '--dev', '/dev'],
    ...['--size', String(limits.writtenBytes), '--tmpfs', '/tmp'],
    ...['--bind', work, '/work', '--chdir', '/work'],
    ...['--remount-ro', '/'],
    ...['--unshare-all', '--unshare-user', '--disable-userns', '--cap-drop', 'ALL', '--hostname', 'sandbox'],
    ...['--die-with-parent', '--new-session', '--clearenv'],
    ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
    '--',
  ];
}
