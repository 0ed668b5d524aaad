import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CodeSandbox, SandboxRun } from '@techteam/shared/agents';
import { MissingDependency } from '@techteam/shared/errors';
import { workspacePath } from '@techteam/shared/workspace';

const NOBODY = 65534;
const OUTPUT_LIMIT = 64 * 1024;

export interface BwrapLimits {
  wallMs: number;
  cpuSeconds: number;
  processes: number;
  fileBytes: number;
}

const DEFAULT_LIMITS: BwrapLimits = {
  wallMs: 60_000,
  cpuSeconds: 30,
  processes: 64,
  fileBytes: 50 * 1024 * 1024,
};

export function bwrapAvailable(): boolean {
  const out = spawnSync('bwrap', ['--version'], { stdio: 'ignore' });
  return !out.error && out.status === 0;
}

/**
 * The local host's sandbox for the team's code: bubblewrap with every
 * namespace unshared, the system read-only, only the job folder writable, a
 * clean environment, rlimits, and a wall-clock kill of the whole process group
 * (the recipe verified in DEPENDENCY-NOTES.md).
 */
export class BwrapSandbox implements CodeSandbox {
  readonly describe = 'bwrap (bubblewrap: no network, read-only system, job folder only, uid 65534)';

  constructor(private readonly limits: BwrapLimits = DEFAULT_LIMITS) {
    if (!bwrapAvailable())
      throw new MissingDependency('bubblewrap (the sandbox)', 'sudo apt-get install -y bubblewrap');
  }

  exec(job: {
    files: Record<string, string>;
    runtime: 'python' | 'node';
    command: string[];
    signal?: AbortSignal;
  }) {
    return this.run(job.files, job.command, job.signal);
  }

  async test(job: { files: Record<string, string>; runtime: 'python' | 'node'; signal?: AbortSignal }) {
    const command =
      job.runtime === 'python'
        ? ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-rfE']
        : ['node', '--test', '--test-reporter=tap'];
    const run = await this.run(job.files, command, job.signal);
    return { ...run, tests: job.runtime === 'python' ? parsePytest(run.stdout) : parseNodeTap(run.stdout) };
  }

  private async run(
    files: Record<string, string>,
    command: string[],
    signal?: AbortSignal,
  ): Promise<SandboxRun> {
    const dir = mkdtempSync(join(tmpdir(), 'techteam-job-'));
    chmodSync(dir, 0o711); // uid 65534 must be able to reach its job folder
    const work = join(dir, 'work');
    mkdirSync(work);
    for (const [path, content] of Object.entries(files)) {
      const full = join(work, workspacePath(path));
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
    }
    chownTree(work);
    const started = performance.now();
    const { limits } = this;
    const args = [
      '-i',
      'PATH=/usr/bin:/bin',
      'setpriv',
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      '--inh-caps=-all',
      'prlimit',
      `--nproc=${limits.processes}`,
      `--fsize=${limits.fileBytes}`,
      '--nofile=256',
      `--cpu=${limits.cpuSeconds}`,
      '--core=0',
      '--',
      'bwrap',
      ...['--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64'],
      ...['--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin'],
      ...[
        '--ro-bind-try',
        '/etc/alternatives',
        '/etc/alternatives',
        '--ro-bind-try',
        '/etc/ld.so.cache',
        '/etc/ld.so.cache',
      ],
      ...['--proc', '/proc', '--dev', '/dev', '--size', String(64 * 1024 * 1024), '--tmpfs', '/tmp'],
      ...['--bind', work, '/work', '--chdir', '/work', '--remount-ro', '/'],
      ...['--unshare-all', '--unshare-user', '--hostname', 'sbx', '--disable-userns', '--cap-drop', 'ALL'],
      ...['--die-with-parent', '--new-session', '--clearenv'],
      ...['--setenv', 'PATH', '/usr/bin:/bin', '--setenv', 'HOME', '/work', '--setenv', 'LANG', 'C.UTF-8'],
      ...['--setenv', 'PYTHONDONTWRITEBYTECODE', '1'],
      ...command,
    ];
    const child = spawn('env', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const collect = (which: 'out' | 'err') => (d: Buffer) => {
      if (which === 'out' && stdout.length < OUTPUT_LIMIT) stdout += d.toString();
      if (which === 'err' && stderr.length < OUTPUT_LIMIT) stderr += d.toString();
    };
    child.stdout.on('data', collect('out'));
    child.stderr.on('data', collect('err'));
    let limit: string | undefined;
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      limit = 'wall time';
      kill();
    }, limits.wallMs);
    const onAbort = () => {
      limit = 'cancelled';
      kill();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const exitCode = await new Promise<number>((resolve) => {
      child.on('error', () => resolve(127));
      child.on('close', (code, sig) => resolve(code ?? (sig ? 128 + 9 : 1)));
    });
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    const truncate = (s: string) =>
      s.length >= OUTPUT_LIMIT ? `${s.slice(0, OUTPUT_LIMIT)}\n…[output truncated]` : s;
    const changedFiles: Record<string, string> = {};
    for (const [path, content] of Object.entries(readTree(work))) {
      if (files[path] !== content) changedFiles[path] = content;
    }
    rmSync(dir, { recursive: true, force: true });
    return {
      exitCode,
      stdout: truncate(stdout),
      stderr: truncate(stderr),
      isolation: 'bwrap',
      durationMs: performance.now() - started,
      ...(limit ? { limit } : {}),
      changedFiles,
    };
  }
}

function chownTree(path: string): void {
  chownSync(path, NOBODY, NOBODY);
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, e.name);
    if (e.isDirectory()) chownTree(full);
    else chownSync(full, NOBODY, NOBODY);
  }
}

/** Regular files only, never through a symlink, skipping caches. */
function readTree(root: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory() && !['__pycache__', '.pytest_cache', 'node_modules'].includes(e.name)) {
      Object.assign(out, readTree(root, rel));
    } else if (e.isFile()) {
      const info = lstatSync(join(root, rel));
      if (info.size <= 1024 * 1024) out[rel] = readFileSync(join(root, rel), 'utf8');
    }
  }
  return out;
}

export function parsePytest(out: string): {
  passed: number;
  failed: number;
  errors: number;
  failing: string[];
} {
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(out)?.[1] ?? 0);
  const failing = [...out.matchAll(/^(?:FAILED|ERROR) \S+::(\S+)/gm)].map((m) => m[1]!);
  return { passed: count('passed'), failed: count('failed'), errors: count('errors?'), failing };
}

export function parseNodeTap(out: string): {
  passed: number;
  failed: number;
  errors: number;
  failing: string[];
} {
  const num = (k: string) => Number(new RegExp(`^# ${k} (\\d+)`, 'm').exec(out)?.[1] ?? 0);
  const failing = [...out.matchAll(/^not ok \d+ - (.+)$/gm)].map((m) => m[1]!.trim());
  return { passed: num('pass'), failed: num('fail'), errors: num('cancelled'), failing };
}
