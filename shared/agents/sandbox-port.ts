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
  /** Files the job created or changed. */
  changedFiles: Record<string, string>;
  tests?: { passed: number; failed: number; errors: number; failing: string[] };
}

export interface CodeSandbox {
  /** One line for the host's start-up banner, e.g. "bwrap (bubblewrap 0.8.0)". */
  readonly describe: string;
  exec(job: {
    files: Record<string, string>;
    runtime: 'python' | 'node';
    command: string[];
    signal?: AbortSignal;
  }): Promise<SandboxRun>;
  test(job: {
    files: Record<string, string>;
    runtime: 'python' | 'node';
    signal?: AbortSignal;
  }): Promise<SandboxRun>;
}
