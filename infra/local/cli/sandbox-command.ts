import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isTechteamError } from '@techteam/shared/errors';
import {
  type JobResult,
  LocalSandbox,
  limitLabel,
  RUNTIMES,
  type Runtime,
  SandboxLimits,
  testCommand,
} from '@techteam/shared/sandbox';
import { LocalWorkspace, printablePath, writeBackFiles } from '@techteam/shared/workspace';

type WriteBack = ReturnType<typeof writeBackFiles>;

const USAGE = `usage:
  techteam sandbox run  --runtime <${RUNTIMES.join('|')}> --dir <folder> [options] -- <command> [args...]
  techteam sandbox test --runtime <${RUNTIMES.join('|')}> --dir <folder> [options]

Runs a command (or the runtime's test runner: pytest, node --test) on a copy of
<folder> in the sandbox: no network, read-only system, only the job folder
writable, limits on time, memory, processes and output.

options
  --isolation bwrap|gvisor   bwrap (default, fast) or gVisor (runsc: slower start, its own kernel)
  --unsafe-no-sandbox        run with no isolation at all (only when bubblewrap is missing; warns)
  --wall-seconds N           wall-clock limit (default 30)
  --cpu-seconds N            CPU-time limit (default 20)
  --memory-mb N              memory limit (default 512)
  --processes N              process limit (default 64)
  --apply                    write the files the job created or changed back into <folder>
                             (never through a symlink; a file that cannot be is skipped and named)
  --json                     print the whole result as JSON`;

export interface SandboxCommandIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: SandboxCommandIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** `techteam sandbox …`: argv is everything after `sandbox`; returns the exit code. */
export async function sandboxCommand(argv: string[], io: SandboxCommandIo = processIo): Promise<number> {
  const [action, ...rest] = argv;
  const dash = rest.indexOf('--');
  const optionArgs = dash === -1 ? rest : rest.slice(0, dash);
  const command = dash === -1 ? [] : rest.slice(dash + 1);
  const usage = (problem?: string) => {
    io.err(`${problem ? `${problem}\n\n` : ''}${USAGE}\n`);
    return 2;
  };
  if (action === 'help' || action === '--help' || action === '-h') {
    io.out(`${USAGE}\n`);
    return 0;
  }
  if (action !== 'run' && action !== 'test')
    return usage(action ? `Unknown sandbox command '${action}'.` : undefined);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: optionArgs,
      strict: true,
      allowPositionals: false,
      options: {
        runtime: { type: 'string' },
        dir: { type: 'string' },
        isolation: { type: 'string' },
        'unsafe-no-sandbox': { type: 'boolean' },
        'wall-seconds': { type: 'string' },
        'cpu-seconds': { type: 'string' },
        'memory-mb': { type: 'string' },
        processes: { type: 'string' },
        apply: { type: 'boolean' },
        json: { type: 'boolean' },
      },
    }));
  } catch (e) {
    return usage((e as Error).message);
  }
  const runtime = values.runtime as string | undefined;
  if (!runtime) return usage('--runtime is required.');
  if (!(RUNTIMES as readonly string[]).includes(runtime)) {
    return usage(`Unknown runtime '${runtime}'; known runtimes: ${RUNTIMES.join(', ')}.`);
  }
  if (!values.dir) return usage('--dir is required.');
  if (action === 'run' && !command.length) return usage('run needs a command after --.');
  const isolation = values.isolation as string | undefined;
  if (isolation && isolation !== 'bwrap' && isolation !== 'gvisor') {
    return usage(`Unknown isolation '${isolation}'; use bwrap or gvisor.`);
  }
  const limits: Partial<SandboxLimits> = {};
  const numeric: [string, keyof SandboxLimits, number][] = [
    ['wall-seconds', 'wallMs', 1000],
    ['cpu-seconds', 'cpuSeconds', 1],
    ['memory-mb', 'memoryBytes', 1024 * 1024],
    ['processes', 'processes', 1],
  ];
  for (const [flag, field, scale] of numeric) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) return usage(`--${flag} must be a positive number.`);
    const value = Math.round(n * scale);
    const checked = SandboxLimits.shape[field].safeParse(value);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const bound = (b: unknown) => Number(b) / scale;
      if (issue?.code === 'too_small') return usage(`--${flag} must be at least ${bound(issue.minimum)}.`);
      if (issue?.code === 'too_big') return usage(`--${flag} must be at most ${bound(issue.maximum)}.`);
      return usage(`--${flag}: ${issue?.message ?? 'invalid value'}.`);
    }
    limits[field] = value;
  }
  const dir = resolve(String(values.dir));
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {}
  if (!isDir) return usage(`--dir ${dir} is not an existing folder.`);

  try {
    const files = await new LocalWorkspace(dir).files({ includeScratch: true });
    const sandbox = new LocalSandbox({
      isolation: (isolation ?? 'bwrap') as 'bwrap' | 'gvisor',
      unsafeNoSandbox: Boolean(values['unsafe-no-sandbox']),
      warn: (m) => io.err(`${m}\n`),
    });
    const result = await sandbox.run({
      runtime: runtime as Runtime,
      files,
      command: action === 'test' ? testCommand(runtime as Runtime) : command,
      test: action === 'test',
      limits,
    });
    sandbox.close();
    const applied = values.apply ? writeBackFiles(dir, result.files.changed) : undefined;
    if (values.json) io.out(`${JSON.stringify(applied ? { ...result, applied } : result, null, 2)}\n`);
    else printResult(result, io, applied);
    return result.exitCode;
  } catch (e) {
    if (isTechteamError(e)) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

function printResult(r: JobResult, io: SandboxCommandIo, applied: WriteBack | undefined): void {
  if (r.stdout) io.out(r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`);
  if (r.stderr) io.err(r.stderr.endsWith('\n') ? r.stderr : `${r.stderr}\n`);
  const parts = [
    `exit ${r.exitCode}${r.signal ? ` (${r.signal})` : ''}`,
    r.isolation,
    `${Math.round(r.timings.totalMs)} ms`,
    r.limit ? `stopped by the ${limitLabel(r.limit)} limit` : null,
  ].filter(Boolean);
  io.err(`── sandbox: ${parts.join(' · ')}\n`);
  if (r.tests) {
    const t = r.tests;
    io.err(`── tests: ${t.passed} passed, ${t.failed} failed, ${t.errors} errors, ${t.skipped} skipped\n`);
    for (const name of t.failing) io.err(`   ✗ ${name}\n`);
  }
  const changed = applied ? applied.written : Object.keys(r.files.changed).map((p) => printablePath(p));
  if (changed.length)
    io.err(
      `── files ${applied ? 'written back' : 'changed (use --apply to keep them)'}: ${changed.join(', ')}\n`,
    );
  if (r.files.deleted.length) io.err(`── files deleted in the sandbox: ${r.files.deleted.join(', ')}\n`);
  for (const s of r.files.skipped) io.err(`── skipped ${printablePath(s.path)}: ${s.reason}\n`);
  for (const s of applied?.skipped ?? []) io.err(`── not written back ${s.path}: ${s.reason}\n`);
}
