import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { LimitName, SandboxLimits } from '../job';
import { BoundedOutput } from '../output';

export interface SupervisedProcess {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Start the process as this uid (and gid), with no supplementary groups. */
  uid?: number;
  limits: SandboxLimits;
  /** Extra killing beyond the process group (a cgroup, a runsc container, a uid). */
  killRest?: () => void;
  /** CPU seconds the job has used so far, polled to enforce cpuSeconds where rlimits do not. */
  cpuSeconds?: () => number | null;
  signal?: AbortSignal | undefined;
}

export interface SupervisedExit {
  exitCode: number;
  signal: string | null;
  stdout: BoundedOutput;
  stderr: BoundedOutput;
  /** The limit the supervisor enforced by killing the job, if any. */
  endedBy: LimitName | 'cancelled' | null;
  spawnError: string | null;
  runMs: number;
}

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

export function signalName(exitCode: number): string | null {
  return exitCode > 128 && exitCode < 128 + 65 ? (SIGNAL_NAMES.get(exitCode - 128) ?? null) : null;
}

/**
 * Runs one process in its own process group with stdout/stderr capped, and
 * kills the whole group (and whatever `killRest` covers) at the wall-time
 * limit, on output past its limit, at the CPU limit when polled, or on abort.
 */
export function supervise(p: SupervisedProcess): Promise<SupervisedExit> {
  const started = performance.now();
  const stdout = new BoundedOutput('stdout', p.limits.stdoutBytes);
  const stderr = new BoundedOutput('stderr', p.limits.stderrBytes);
  return new Promise((resolve) => {
    const child = spawn(p.argv[0]!, p.argv.slice(1), {
      env: p.env,
      cwd: p.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // libuv drops the supplementary groups, then sets the gid and the uid, before exec.
      ...(p.uid !== undefined ? { uid: p.uid, gid: p.uid } : {}),
    });
    let endedBy: SupervisedExit['endedBy'] = null;
    let exited: { code: number | null; sig: NodeJS.Signals | null } | null = null;
    let done = false;
    let cpuTimer: NodeJS.Timeout | undefined;

    const stop = (reason: NonNullable<SupervisedExit['endedBy']>) => {
      if (!endedBy) endedBy = reason;
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
      try {
        p.killRest?.();
      } catch {}
      if (exited) finish();
    };
    const finish = (spawnError: string | null = null) => {
      if (done) return;
      done = true;
      clearTimeout(wallTimer);
      clearInterval(cpuTimer);
      p.signal?.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      let exitCode = 127;
      let signal: string | null = null;
      if (!spawnError && exited) {
        if (exited.sig) {
          signal = exited.sig;
          exitCode = 128 + (constants.signals[exited.sig] ?? 0);
        } else {
          exitCode = exited.code ?? 1;
          signal = signalName(exitCode);
        }
      }
      resolve({ exitCode, signal, stdout, stderr, endedBy, spawnError, runMs: performance.now() - started });
    };

    const wallTimer = setTimeout(() => stop('wallMs'), p.limits.wallMs);
    if (p.cpuSeconds) {
      cpuTimer = setInterval(() => {
        const used = p.cpuSeconds?.();
        if (used !== null && used !== undefined && used > p.limits.cpuSeconds) stop('cpuSeconds');
      }, 100);
    }
    const onAbort = () => stop('cancelled');
    if (p.signal?.aborted) onAbort();
    p.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout!.on('data', (d: Buffer) => {
      if (!stdout.push(d)) stop('stdoutBytes');
    });
    child.stderr!.on('data', (d: Buffer) => {
      if (!stderr.push(d)) stop('stderrBytes');
    });
    child.on('error', (e) => {
      exited = { code: 127, sig: null };
      stderr.push(Buffer.from(`sandbox: cannot start ${p.argv[0]}: ${e.message}\n`));
      finish(e.message);
    });
    child.on('exit', (code, sig) => {
      exited = { code, sig };
      // Once stopped, nothing more is worth reading; otherwise wait for the pipes to drain.
      if (endedBy) finish();
    });
    child.on('close', () => finish());
  });
}
