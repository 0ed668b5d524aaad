/**
 * The code sandbox: `run(job)` with one contract everywhere. Locally bwrap
 * (default) or gVisor; on AWS a runner task per run, on Fargate or on EC2 hosts with gVisor.
 */

export {
  AWS_SANDBOX_TIERS,
  type AwsSandboxTier,
  JOB_VISIBILITY_TIMEOUT_SECONDS,
  JobMessage,
  jobKeys,
  RUNNER_ENV,
  SANDBOX_RUN_QUEUE_PREFIX,
} from './aws/protocol';
export { RunnerPerRunSandbox, type RunnerPlacement } from './aws/remote-sandbox';
export { SandboxFailed, SandboxResultTimeout, SandboxUnavailable, WorkspaceTooLarge } from './errors';
export {
  currentLimitName,
  ISOLATIONS,
  type Isolation,
  JobResult,
  LIMIT_NAMES,
  type LimitName,
  limitLabel,
  MAX_WALL_MS,
  parseJob,
  RUNTIMES,
  type Runtime,
  type Sandbox,
  SandboxJob,
  type SandboxJobInput,
  SandboxLimits,
  TestSummary,
} from './job';
export {
  type LocalIsolation,
  LocalSandbox,
  type LocalSandboxOptions,
  requestedIsolation,
} from './local/local-sandbox';
export { testCommand } from './runtimes';
export { parseNodeTap, parsePytest } from './test-summary';
