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

/**
 * How isolated a local job is, one name for it everywhere (`JobResult.isolation`, the runner's
 * `SANDBOX_ISOLATION`, the host's `TECHTEAM_SANDBOX`):
 * - `bwrap` (default): bubblewrap namespaces around the job.
 * - `gvisor`: runsc with an OCI bundle, a kernel of its own.
 * - `microvm`: no namespaces, for a runner inside a Fargate task (whose microVM is the
 *   boundary, and which allows no namespaces): the job runs as a uid of its own with a clean
 *   environment, so it can read neither the runner's environment nor its /proc. Refused
 *   where that cannot hold (a runner that is not root).
 * - `none`: no namespaces on a developer's machine; warns on every job.
 */
export type LocalIsolation = 'bwrap' | 'gvisor' | 'microvm' | 'none';

export interface LocalSandboxOptions {
  isolation?: LocalIsolation;
  /** @deprecated Old name of `isolation: 'none'` (or of `processIsolation`); read for one release. */
  unsafeNoSandbox?: boolean;
  /** @deprecated Old name of `isolation: 'microvm'` with `unsafeNoSandbox`; read for one release. */
  processIsolation?: 'none' | 'microvm' | 'gvisor';
  /** Where job folders, uid claims and gVisor state live (default `<tmpdir>/techteam-sandbox`). */
  root?: string;
  /** Where host programs (bwrap, runsc, setpriv) are looked up (default: $PATH). */
  searchPath?: string;
  warn?: (message: string) => void;
}

/** The isolation asked for, reading the options' old names too. */
export function requestedIsolation(options: LocalSandboxOptions): LocalIsolation {
  if (options.isolation) return options.isolation;
  if (options.unsafeNoSandbox) return options.processIsolation === 'microvm' ? 'microvm' : 'none';
  return 'bwrap';
}

const UNSAFE_WARNING =
  "WARNING: sandbox job running WITHOUT isolation (isolation 'none'): it can read and write whatever this user can and reach the network.";

/**
 * The local sandbox: bubblewrap or gVisor around each job, a uid of its own,
 * cgroups for memory, processes and CPU where the host has them, rlimits, a
 * size-capped job folder, and a wall-clock kill of everything the job started.
 */
export class LocalSandbox implements Sandbox {
  readonly isolation: LocalIsolation;
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
    const find = (name: string, install: string, isolation: string) => {
      const path = findProgram(name, options.searchPath);
      if (!path) throw new SandboxUnavailable(isolation, `'${name}' was not found on the PATH`, install);
      return path;
    };
    const isolation = requestedIsolation(options);
    this.isolation = isolation;
    if (isolation === 'microvm' || isolation === 'none') {
      this.mode = 'process';
      this.programs = {};
      if (isolation === 'microvm') {
        // Under the runner's uid a job could read the runner's /proc/<pid>/environ, and with it
        // the task role's credentials path (AWS_CONTAINER_CREDENTIALS_*): refuse rather than run so.
        if (!this.asRoot)
          throw new SandboxUnavailable(
            isolation,
            "the runner is not root, so it cannot give each job a uid of its own (a job under the runner's uid could read the runner's environment and credentials)",
          );
        this.programs.setpriv = find('setpriv', 'apt-get install -y util-linux', isolation);
        return;
      }
      const setpriv = findProgram('setpriv', options.searchPath);
      if (setpriv) this.programs.setpriv = setpriv;
      return;
    }
    this.mode = isolation;
    this.programs =
      isolation === 'bwrap'
        ? { bwrap: find('bwrap', BWRAP_INSTALL, isolation) }
        : { runsc: find('runsc', RUNSC_INSTALL, isolation) };
    if (this.asRoot) this.programs.setpriv = find('setpriv', 'apt-get install -y util-linux', isolation);
  }

  async run(input: SandboxJobInput, options: { signal?: AbortSignal } = {}): Promise<JobResult> {
    const t0 = performance.now();
    const job = parseJob(input);
    const size = workspaceBytes(job.files);
    if (size > job.limits.workspaceBytes) throw new WorkspaceTooLarge(size, job.limits.workspaceBytes);
    const jobId = ulid().toLowerCase();
    const warnings: string[] = [];
    if (this.isolation === 'none') {
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
      if (!limit && exit.signal === 'SIGXCPU') limit = 'cpuSeconds';
      if (!limit && exit.signal === 'SIGXFSZ') limit = 'fileBytes';
      const oom = slot.oomKills() > 0;
      if (!limit && oom && exit.signal === 'SIGKILL') limit = 'memoryBytes';
      if (oom) reached.add('memoryBytes');
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
