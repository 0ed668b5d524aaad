import { parseInput } from '../domain/parse';
import { workspacePath } from '../workspace/workspace';
import * as z from '../zod';

export const RUNTIMES = ['python', 'node'] as const;
export type Runtime = (typeof RUNTIMES)[number];

const MiB = 1024 * 1024;

/** The longest wall-clock limit a job may ask for (60 minutes). */
export const MAX_WALL_MS = 3_600_000;

/** Every limit a job runs under. Network is always off; there is no limit for it to set. */
export const SandboxLimits = z.strictObject({
  /** Wall-clock time from start to kill, in ms. */
  wallMs: z._default(z.int().check(z.minimum(100), z.maximum(MAX_WALL_MS)), 30_000),
  /** CPU time per process (RLIMIT_CPU; under gVisor the sandbox's total), in seconds. */
  cpuSeconds: z._default(z.int().check(z.minimum(1), z.maximum(3_600)), 20),
  /** Memory of the whole job (a cgroup where one is available), in bytes. */
  memoryBytes: z._default(z.int().check(z.minimum(32 * MiB)), 512 * MiB),
  /** Processes and threads alive at once. */
  processes: z._default(z.int().check(z.minimum(4), z.maximum(4096)), 64),
  /** Bytes of stdout kept; a job that writes more is stopped and its output marked truncated. */
  stdoutBytes: z._default(z.int().check(z.minimum(1024)), MiB),
  stderrBytes: z._default(z.int().check(z.minimum(1024)), MiB),
  /** Largest single file the job may write (RLIMIT_FSIZE). */
  fileBytes: z._default(z.int().check(z.minimum(1024)), 16 * MiB),
  /** Everything the job may write in its folder and /tmp together (each a size-capped tmpfs). */
  writtenBytes: z._default(z.int().check(z.minimum(MiB)), 64 * MiB),
  /** Largest workspace accepted as input; a bigger one is refused before it runs. */
  workspaceBytes: z._default(z.int().check(z.minimum(1024)), 16 * MiB),
});
export type SandboxLimits = z.output<typeof SandboxLimits>;

const Runtime = z.enum(RUNTIMES, {
  error: (issue) => `unknown runtime '${String(issue.input)}'; known runtimes: ${RUNTIMES.join(', ')}`,
});

const FilePath = z.string().check(
  z.superRefine((path, ctx) => {
    try {
      workspacePath(path);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  }),
);

/**
 * A job: workspace files (path → UTF-8 text), a command run in the workspace
 * folder, a runtime, and limits. `test: true` parses the output as the
 * runtime's test runner and adds a summary to the result.
 */
export const SandboxJob = z.strictObject({
  runtime: Runtime,
  files: z._default(z.record(FilePath, z.string()), {}),
  command: z
    .array(z.string().check(z.minLength(1, 'must not be empty')))
    .check(z.minLength(1, 'needs at least the program to run')),
  test: z._default(z.boolean(), false),
  limits: z._default(SandboxLimits, SandboxLimits.parse({})),
});
export type SandboxJob = z.output<typeof SandboxJob>;
/** What callers write: every field with a default may be left out, limits one by one. */
export type SandboxJobInput = Omit<z.input<typeof SandboxJob>, 'limits'> & {
  limits?: Partial<SandboxLimits>;
};

/**
 * The limits a job can run into, named as the SandboxLimits field that sets each one (the
 * workspace size is checked before the job runs, so no job runs into it).
 */
export const LIMIT_NAMES = [
  'wallMs',
  'cpuSeconds',
  'memoryBytes',
  'processes',
  'stdoutBytes',
  'stderrBytes',
  'fileBytes',
  'writtenBytes',
] as const satisfies readonly (keyof SandboxLimits)[];
export type LimitName = (typeof LIMIT_NAMES)[number];

/** The names results and events carried before the limits were named by their fields; read for one release. */
const OLD_LIMIT_NAMES: Readonly<Record<string, LimitName>> = {
  wallTime: 'wallMs',
  cpuTime: 'cpuSeconds',
  memory: 'memoryBytes',
  stdout: 'stdoutBytes',
  stderr: 'stderrBytes',
  fileSize: 'fileBytes',
};

/** A limit's name as written now, from its current or its old name. */
export function currentLimitName(name: string): string {
  return OLD_LIMIT_NAMES[name] ?? name;
}

const LIMIT_LABELS: Readonly<Record<LimitName, string>> = {
  wallMs: 'wall-clock time',
  cpuSeconds: 'CPU time',
  memoryBytes: 'memory',
  processes: 'process count',
  stdoutBytes: 'output (stdout)',
  stderrBytes: 'error output (stderr)',
  fileBytes: 'file size',
  writtenBytes: 'disk written',
};

/** What a person reads for a limit (current or old name): `stopped by the wall-clock time limit`. */
export function limitLabel(name: string): string {
  return LIMIT_LABELS[currentLimitName(name) as LimitName] ?? name;
}

/** A limit name as stored: an old name is read as its current one. */
const LimitNameField = z.pipe(
  z.transform((v: unknown) => (typeof v === 'string' ? currentLimitName(v) : v)),
  z.enum(LIMIT_NAMES),
);

export const ISOLATIONS = ['bwrap', 'gvisor', 'microvm', 'none'] as const;
export type Isolation = (typeof ISOLATIONS)[number];

export const TestSummary = z.object({
  passed: z.int(),
  failed: z.int(),
  errors: z.int(),
  skipped: z.int(),
  failing: z.array(z.string()),
});
export type TestSummary = z.infer<typeof TestSummary>;

export const JobResult = z.object({
  jobId: z.string(),
  isolation: z.enum(ISOLATIONS),
  /** The process's exit code; 128 + n when a signal ended it; 127 when the command was not found. */
  exitCode: z.int(),
  signal: z.nullable(z.string()),
  stdout: z.string(),
  stderr: z.string(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  /** The limit that ended the job, if one did. */
  limit: z.nullable(LimitNameField),
  /** Every limit the job ran into, including ones it survived (a refused fork, a full disk). */
  limitsReached: z.array(LimitNameField),
  files: z.object({
    /** Regular files created or changed, path → UTF-8 content. Symlinks are never followed. */
    changed: z.record(z.string(), z.string()),
    deleted: z.array(z.string()),
    /** Entries left out, and why (a symlink, not UTF-8, too large, not a regular file). */
    skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  }),
  timings: z.object({
    /** Preparing the folder, user, cgroups and bundle. */
    prepareMs: z.number(),
    /** From spawning the sandbox to its exit. */
    runMs: z.number(),
    /** Collecting changed files and cleaning up. */
    collectMs: z.number(),
    totalMs: z.number(),
  }),
  tests: z.optional(TestSummary),
  warnings: z.array(z.string()),
});
export type JobResult = z.infer<typeof JobResult>;

/** Validates a job; an InvalidInput names every offending field. */
export function parseJob(input: unknown): SandboxJob {
  return parseInput(SandboxJob, input, 'sandbox job');
}

export function workspaceBytes(files: Record<string, string>): number {
  let total = 0;
  for (const [path, content] of Object.entries(files))
    total += Buffer.byteLength(path) + Buffer.byteLength(content);
  return total;
}

/** What every sandbox does: run one job to completion and report what happened. */
export interface Sandbox {
  readonly isolation: Isolation;
  run(job: SandboxJobInput, options?: SandboxRunOptions): Promise<JobResult>;
}

export interface SandboxRunOptions {
  signal?: AbortSignal;
  /** The task run the job belongs to (the task id): the Fargate tier runs a run's jobs in one task. */
  runId?: string;
}
