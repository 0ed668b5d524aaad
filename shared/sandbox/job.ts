import { z } from 'zod';
import { parseInput } from '../domain/parse';
import { workspacePath } from '../workspace/workspace';

export const RUNTIMES = ['python', 'node'] as const;
export type Runtime = (typeof RUNTIMES)[number];

const MiB = 1024 * 1024;

/** The longest wall-clock limit a job may ask for (60 minutes). */
export const MAX_WALL_MS = 3_600_000;

/** Every limit a job runs under. Network is always off; there is no limit for it to set. */
export const SandboxLimits = z
  .object({
    /** Wall-clock time from start to kill, in ms. */
    wallMs: z.number().int().min(100).max(MAX_WALL_MS).default(30_000),
    /** CPU time per process (RLIMIT_CPU; under gVisor the sandbox's total), in seconds. */
    cpuSeconds: z.number().int().min(1).max(3_600).default(20),
    /** Memory of the whole job (a cgroup where one is available), in bytes. */
    memoryBytes: z
      .number()
      .int()
      .min(32 * MiB)
      .default(512 * MiB),
    /** Processes and threads alive at once. */
    processes: z.number().int().min(4).max(4096).default(64),
    /** Bytes of stdout kept; a job that writes more is stopped and its output marked truncated. */
    stdoutBytes: z.number().int().min(1024).default(MiB),
    stderrBytes: z.number().int().min(1024).default(MiB),
    /** Largest single file the job may write (RLIMIT_FSIZE). */
    fileBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * MiB),
    /** Everything the job may write in its folder and /tmp together (each a size-capped tmpfs). */
    writtenBytes: z
      .number()
      .int()
      .min(MiB)
      .default(64 * MiB),
    /** Largest workspace accepted as input; a bigger one is refused before it runs. */
    workspaceBytes: z
      .number()
      .int()
      .min(1024)
      .default(16 * MiB),
  })
  .strict();
export type SandboxLimits = z.output<typeof SandboxLimits>;

const Runtime = z.enum(RUNTIMES, {
  error: (issue) => `unknown runtime '${String(issue.input)}'; known runtimes: ${RUNTIMES.join(', ')}`,
});

const FilePath = z.string().superRefine((path, ctx) => {
  try {
    workspacePath(path);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

/**
 * A job: workspace files (path → UTF-8 text), a command run in the workspace
 * folder, a runtime, and limits. `test: true` parses the output as the
 * runtime's test runner and adds a summary to the result.
 */
export const SandboxJob = z
  .object({
    runtime: Runtime,
    files: z.record(FilePath, z.string()).default({}),
    command: z.array(z.string().min(1, 'must not be empty')).min(1, 'needs at least the program to run'),
    test: z.boolean().default(false),
    limits: SandboxLimits.default(SandboxLimits.parse({})),
  })
  .strict();
export type SandboxJob = z.output<typeof SandboxJob>;
/** What callers write: every field with a default may be left out, limits one by one. */
export type SandboxJobInput = Omit<z.input<typeof SandboxJob>, 'limits'> & {
  limits?: Partial<SandboxLimits>;
};

export const LIMIT_NAMES = [
  'wallTime',
  'cpuTime',
  'memory',
  'processes',
  'stdout',
  'stderr',
  'fileSize',
  'writtenBytes',
] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export const ISOLATIONS = ['bwrap', 'gvisor', 'microvm', 'none'] as const;
export type Isolation = (typeof ISOLATIONS)[number];

export const TestSummary = z.object({
  passed: z.number().int(),
  failed: z.number().int(),
  errors: z.number().int(),
  skipped: z.number().int(),
  failing: z.array(z.string()),
});
export type TestSummary = z.infer<typeof TestSummary>;

export const JobResult = z.object({
  jobId: z.string(),
  isolation: z.enum(ISOLATIONS),
  /** The process's exit code; 128 + n when a signal ended it; 127 when the command was not found. */
  exitCode: z.number().int(),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  stdoutTruncated: z.boolean(),
  stderrTruncated: z.boolean(),
  /** The limit that ended the job, if one did. */
  limit: z.enum(LIMIT_NAMES).nullable(),
  /** Every limit the job ran into, including ones it survived (a refused fork, a full disk). */
  limitsReached: z.array(z.enum(LIMIT_NAMES)),
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
  tests: TestSummary.optional(),
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
  run(job: SandboxJobInput, options?: { signal?: AbortSignal }): Promise<JobResult>;
}
