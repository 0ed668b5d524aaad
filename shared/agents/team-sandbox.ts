import type { JobResult, Sandbox } from '../sandbox/job';
import { testCommand } from '../sandbox/runtimes';
import type { CodeSandbox, SandboxRun } from './sandbox-port';

function toRun(result: JobResult): SandboxRun {
  return {
    exitCode: result.exitCode,
    stdout: result.stdoutTruncated ? `${result.stdout}\n…[stdout truncated]` : result.stdout,
    stderr: result.stderrTruncated ? `${result.stderr}\n…[stderr truncated]` : result.stderr,
    isolation: result.isolation,
    durationMs: result.timings.totalMs,
    ...(result.limit ? { limit: result.limit } : {}),
    changedFiles: result.files.changed,
    ...(result.files.skipped.length ? { skippedFiles: result.files.skipped } : {}),
    ...(result.tests
      ? {
          tests: {
            passed: result.tests.passed,
            failed: result.tests.failed,
            errors: result.tests.errors,
            failing: result.tests.failing,
          },
        }
      : {}),
  };
}

/** The team's sandbox tools on top of any `shared/sandbox` Sandbox (local bwrap or gVisor, a runner per run on Fargate or on the gVisor hosts). */
export function teamSandbox(sandbox: Sandbox, describe: string): CodeSandbox {
  return {
    describe,
    exec: async ({ files, runtime, command, runId, signal }) =>
      toRun(await sandbox.run({ files, runtime, command }, { runId, ...(signal ? { signal } : {}) })),
    test: async ({ files, runtime, runId, signal }) =>
      toRun(
        await sandbox.run(
          { files, runtime, command: testCommand(runtime), test: true },
          { runId, ...(signal ? { signal } : {}) },
        ),
      ),
  };
}
