import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { SandboxUnavailable, WorkspaceTooLarge } from '../errors';
import {
  type Isolation,
  type JobResult,
  type LimitName,
  parseJob,
  type Sandbox,
  type SandboxJob,
  type SandboxJobInput,
  workspaceBytes,
} from '../job';
import { jobEnvironment } from '../runtimes';
import { parseTestOutput } from '../test-summary';
import { BWRAP_INSTALL, bwrapArgs, dropPrivilegesArgs, launcher } from './bwrap';
import { detectCgroups } from './cgroups';
import { findProgram, resolveCommand } from './command';
import { ensureRootfs, ociSpec, RUNSC_INSTALL, runscArgs, runscCleanupArgs } from './gvisor';
import { collectChanges, folderFull, writeWorkspace } from './job-folder';
import { JobSlot, sweepStaleSlots } from './job-slot';
import { supervise } from './supervise';

export type LocalIsolation = 'bwrap' | 'gvisor';

export interface LocalSandboxOptions {
  /** `bwrap` (default, fast) or `gvisor` (runsc with an OCI bundle: slower to start, a kernel of its own). */
  isolation?: LocalIsolation;
  /**
   * Runs jobs with no namespaces at all (only a clean environment, rlimits and,
   * as root, a uid of their own). The only way to run without bubblewrap;
   * every job prints a warning.
   */
  unsafeNoSandbox?: boolean;
  /** Where job folders, uid claims and gVisor state live (default `<tmpdir>/techteam-sandbox`). */
  root?: string;
  /** Where host programs (bwrap, runsc, setpriv) are looked up (default: $PATH). */
  searchPath?: string;
  warn?: (message: string) => void;
  /** The isolation a no-namespace sandbox reports, e.g. `microvm` inside a Fargate task. */
  processIsolation?: 'none' | 'microvm' | 'gvisor';
}

const UNSAFE_WARNING =
  'WARNING: sandbox job running WITHOUT isolation (unsafeNoSandbox): it can read and write whatever this user can and reach the network.';

/**
 * The local sandbox: bubblewrap or gVisor around each job, a uid of its own,
 * cgroups for memory, processes and CPU where the host has them, rlimits, a
 * size-capped job folder, and a wall-clock kill of everything the job started.
 */
export class LocalSandbox implements Sandbox {
  readonly isolation: Isolation;
  private readonly mode: 'bwrap' | 'gvisor' | 'process';
  private readonly root: string;
  private readonly programs: Record<string, string>;
  private readonly asRoot = process.getuid?.() === 0;
  private readonly warn: (message: string) => void;

  constructor(readonly options: LocalSandboxOptions = {}) {
    this.root = options.root ?? join(tmpdir(), 'techteam-sandbox');
    // Traversable (not listable) by the jobs' uids, which bind their own folder from inside it.
    mkdirSync(this.root, { recursive: true });
    chmodSync(this.root, 0o711);
    sweepStaleSlots(this.root, detectCgroups());
    this.warn = options.warn ?? ((m) => console.warn(m));
    const find = (name: string, install: string, level: string) => {
      const path = findProgram(name, options.searchPath);
      if (!path) throw new SandboxUnavailable(level, `'${name}' was not found on the PATH`, install);
      return path;
    };
    if (options.unsafeNoSandbox) {
      this.mode = 'process';
      this.isolation = options.processIsolation ?? 'none';
      this.programs = {};
      const setpriv = findProgram('setpriv', options.searchPath);
      if (setpriv) this.programs.setpriv = setpriv;
      return;
    }
    const level = options.isolation ?? 'bwrap';
    this.mode = level;
    this.isolation = level;
    this.programs =
      level === 'bwrap'
        ? { bwrap: find('bwrap', BWRAP_INSTALL, level) }
        : { runsc: find('runsc', RUNSC_INSTALL, level) };
    if (this.asRoot) this.programs.setpriv = find('setpriv', 'apt-get install -y util-linux', level);
  }

  async run(input: SandboxJobInput, options: { signal?: AbortSignal } = {}): Promise<JobResult> {
    const t0 = performance.now();
    const job = parseJob(input);
    const size = workspaceBytes(job.files);
    if (size > job.limits.workspaceBytes) throw new WorkspaceTooLarge(size, job.limits.workspaceBytes);
    const jobId = ulid().toLowerCase();
    const warnings: string[] = [];
    if (this.mode === 'process' && this.isolation === 'none') {
      this.warn(UNSAFE_WARNING);
      warnings.push(UNSAFE_WARNING);
    }
    const argv = resolveCommand(job.runtime, job.command, job.files);
    if (!argv) return notFound(jobId, this.isolation, job, warnings, performance.now() - t0);

    const slot = this.takeSlot();
    try {
      slot.prepare(job.limits);
      if (!slot.capped)
        warnings.push('writtenBytes is not enforced: the job folder is not a size-capped tmpfs (needs root)');
      if (!slot.cgroup.hasMemory) {
        warnings.push(
          `memory is limited by RLIMIT_AS, not a cgroup (${detectCgroups().problem ?? 'no memory controller'}); Node may fail to start`,
        );
      }
      writeWorkspace(slot.work, job.files, slot.uid);
      const env = jobEnvironment(job.runtime);
      const stateRoot = join(this.root, 'runsc-state');
      let spawnArgv: string[];
      let cwd = '/';
      let killRest: () => void = () => slot.killAll();
      if (this.mode === 'gvisor') {
        const bundle = join(this.root, 'bundles', jobId);
        mkdirSync(bundle, { recursive: true });
        const spec = ociSpec({
          rootfs: ensureRootfs(this.root),
          work: slot.work,
          argv,
          env,
          uid: slot.uid ?? 65534,
          limits: job.limits,
          cgroupsPath: slot.cgroup.hasMemory ? slot.cgroup.ociPath : null,
        });
        writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
        spawnArgv = [
          '/usr/bin/env',
          '-i',
          'PATH=/usr/bin:/bin',
          this.programs.runsc!,
          ...runscArgs(stateRoot, bundle, jobId).slice(1),
        ];
        killRest = () => {
          for (const args of runscCleanupArgs(stateRoot, jobId)) {
            spawnSync(this.programs.runsc!, args.slice(1), { stdio: 'ignore', timeout: 5_000 });
          }
          slot.killAll();
          rmSync(bundle, { recursive: true, force: true });
        };
      } else {
        // Spawned as its uid, the launcher needs no setpriv: one exec fewer on every job's start.
        const drop =
          slot.uid !== null && this.programs.setpriv && !slot.startsAsUid
            ? [this.programs.setpriv, ...dropPrivilegesArgs(slot.uid).slice(1)]
            : [];
        const inner =
          this.mode === 'bwrap'
            ? [this.programs.bwrap!, ...bwrapArgs(slot.work, env, job.limits).slice(1), ...argv]
            : ['/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv];
        spawnArgv = launcher(slot.cgroup.procsFiles(), job.limits, { addressSpace: !slot.cgroup.hasMemory }, [
          ...drop,
          ...inner,
        ]);
        if (this.mode === 'process') cwd = slot.work;
      }
      const prepareMs = performance.now() - t0;

      const exit = await supervise({
        argv: spawnArgv,
        env: {},
        cwd,
        ...(slot.startsAsUid && slot.uid !== null && this.mode !== 'gvisor' ? { uid: slot.uid } : {}),
        limits: job.limits,
        killRest,
        signal: options.signal,
        ...(this.mode === 'gvisor' && slot.cgroup.hasCpuAccounting
          ? { cpuSeconds: () => slot.cpuSeconds() }
          : {}),
      });

      const t1 = performance.now();
      // Nothing outlives its job: every group, uid and container is emptied before the files are read.
      if (this.mode === 'gvisor') killRest();
      else slot.killAll();
      const reached = new Set<LimitName>();
      let limit: LimitName | null = exit.endedBy && exit.endedBy !== 'cancelled' ? exit.endedBy : null;
      if (!limit && exit.signal === 'SIGXCPU') limit = 'cpuTime';
      if (!limit && exit.signal === 'SIGXFSZ') limit = 'fileSize';
      const oom = slot.oomKills() > 0;
      if (!limit && oom && exit.signal === 'SIGKILL') limit = 'memory';
      if (oom) reached.add('memory');
      if (slot.pidsRefused() > 0) reached.add('processes');
      if (folderFull(slot)) reached.add('writtenBytes');
      if (limit) reached.add(limit);
      const files = collectChanges(slot.work, job.files);
      if (exit.endedBy === 'cancelled') warnings.push('the job was cancelled');
      const stdout = exit.stdout.text();
      const collectMs = performance.now() - t1;
      return {
        jobId,
        isolation: this.isolation,
        exitCode: exit.exitCode,
        signal: exit.signal,
        stdout,
        stderr: exit.stderr.text(),
        stdoutTruncated: exit.stdout.truncated,
        stderrTruncated: exit.stderr.truncated,
        limit,
        limitsReached: [...reached],
        files,
        timings: { prepareMs, runMs: exit.runMs, collectMs, totalMs: performance.now() - t0 },
        ...(job.test ? { tests: parseTestOutput(job.runtime, stdout) } : {}),
        warnings,
      };
    } finally {
      this.returnSlot(slot);
    }
  }

  private readonly idle: JobSlot[] = [];

  private takeSlot(): JobSlot {
    return (
      this.idle.pop() ??
      new JobSlot(this.root, detectCgroups(), { gvisor: this.mode === 'gvisor' }, this.asRoot)
    );
  }

  private returnSlot(slot: JobSlot): void {
    try {
      slot.reset();
    } catch {
      slot.destroy();
      return;
    }
    if (this.idle.length < 4) this.idle.push(slot);
    else slot.destroy();
  }

  /** Removes the idle slots' cgroups, mounts and uid claims. */
  close(): void {
    for (const slot of this.idle.splice(0)) slot.destroy();
  }
}

function _readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function notFound(
  jobId: string,
  isolation: Isolation,
  job: SandboxJob,
  warnings: string[],
  ms: number,
): JobResult {
  return {
    jobId,
    isolation,
    exitCode: 127,
    signal: null,
    stdout: '',
    stderr: `sandbox: command not found: ${job.command[0]}\n`,
    stdoutTruncated: false,
    stderrTruncated: false,
    limit: null,
    limitsReached: [],
    files: { changed: {}, deleted: [], skipped: [] },
    timings: { prepareMs: ms, runMs: 0, collectMs: 0, totalMs: ms },
    ...(job.test ? { tests: { passed: 0, failed: 0, errors: 0, skipped: 0, failing: [] } } : {}),
    warnings,
  };
}
