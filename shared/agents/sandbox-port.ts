/**
 * What the team's tools need from the sandbox. The sandbox package's adapters
 * (bwrap, gVisor, Fargate) are wired to this in the runtime.
 */
export interface SandboxRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  isolation: string;
  durationMs: number;
  /** Which limit ended the job, if one did. */
  limit?: string;
  /** Files the job created or changed (UTF-8 text). */
  changedFiles: Record<string, string>;
  /** Files the job produced that could not be taken back (binary, symlink, too large), and why. */
  skippedFiles?: { path: string; reason: string }[];
  tests?: { passed: number; failed: number; errors: number; failing: string[] };
}

export interface CodeSandbox {
  /** One line for the host's start-up banner, e.g. "bwrap (bubblewrap 0.8.0)". */
  readonly describe: string;
  exec(job: {
    files: Record<string, string>;
    runtime: 'python' | 'node';
    command: string[];
    /** The task run the job belongs to (the task id). */
    runId: string;
    signal?: AbortSignal;
  }): Promise<SandboxRun>;
  test(job: {
    files: Record<string, string>;
    runtime: 'python' | 'node';
    runId: string;
    signal?: AbortSignal;
  }): Promise<SandboxRun>;
}

/**
 * Where a sandbox keeps something per task run (the Fargate tier: a runner task
 * and its queue), the run's start and end. StartRun starts it so its start-up
 * hides behind the first steps; Finalize, MarkFailed and a cancel end it.
 * Both are best effort and never throw: a job whose run has no runner starts
 * one, and a runner left behind stops itself once idle.
 */
export interface SandboxRunners {
  start(runId: string): Promise<void>;
  end(runId: string): Promise<void>;
}
