import type { CodeSandbox, SandboxRunners } from '../agents/sandbox-port';
import { teamSandbox } from '../agents/team-sandbox';
import { log } from '../observability';
import { type AwsSandboxConfig, sandboxConfigFromEnv } from '../sandbox/aws/config';
import type { Isolation, JobResult, Sandbox, SandboxJobInput, SandboxRunOptions } from '../sandbox/job';
import { onFirstUse } from './first-use';
import { inSubsegment } from './tracing';

export { AWS_SANDBOX_ENV, type AwsSandboxConfig, sandboxConfigFromEnv } from '../sandbox/aws/config';

const DESCRIPTIONS = {
  'ec2-gvisor': {
    isolation: 'gvisor',
    label: 'ec2-gvisor (a runner task per task run on EC2, jobs under runsc)',
  },
  fargate: { isolation: 'microvm', label: 'fargate (a Fargate task per task run)' },
} as const satisfies Record<AwsSandboxConfig['tier'], { isolation: Isolation; label: string }>;

/**
 * A sandbox whose clients are built on its first job: the S3, SQS and ECS SDKs
 * are imported then, so a Lambda bundled with code splitting parses them only
 * when an employee runs code.
 */
class SandboxOnFirstJob implements Sandbox {
  private readonly sandbox: () => Promise<Sandbox>;

  constructor(
    readonly isolation: Isolation,
    private readonly tier: AwsSandboxConfig['tier'],
    open: () => Promise<Sandbox>,
  ) {
    this.sandbox = onFirstUse(open);
  }

  /** Each job in an X-Ray subsegment (on Lambda): its run, tier, runtime and whether it is a test run. */
  async run(job: SandboxJobInput, options?: SandboxRunOptions): Promise<JobResult> {
    return inSubsegment(
      'sandbox job',
      { task: options?.runId, sandboxTier: this.tier, runtime: job.runtime, test: job.test === true },
      async () => (await this.sandbox()).run(job, options),
    );
  }
}

/** The tier's clients, imported and built on first use (one set per process). */
const clientsFor = (config: AwsSandboxConfig) =>
  onFirstUse(async () => (await import('./aws-sandbox-clients')).awsSandbox(config));

/**
 * The AWS sandbox a Lambda that runs code uses, from its environment; undefined
 * when no sandbox variable is set (functions that run no code). An invalid or
 * missing variable throws ConfigInvalid naming it, at once.
 */
export function sandboxFromEnv(env: Record<string, string | undefined>): CodeSandbox | undefined {
  const config = sandboxConfigFromEnv(env);
  if (!config) return undefined;
  const { isolation, label } = DESCRIPTIONS[config.tier];
  const clients = clientsFor(config);
  const sandbox = new SandboxOnFirstJob(isolation, config.tier, async () => (await clients()).sandbox);
  return teamSandbox(sandbox, label);
}

/**
 * The per-run side of the AWS sandbox, for the states that begin and end runs: the run's
 * runner task (either tier); undefined where no sandbox is set.
 */
export function sandboxRunnersFromEnv(env: Record<string, string | undefined>): SandboxRunners | undefined {
  const config = sandboxConfigFromEnv(env);
  if (!config) return undefined;
  const clients = clientsFor(config);
  // Best effort, as the port promises: a job whose run has no runner starts one, and a
  // runner nobody stops stops itself once idle. What failed is logged for the operator.
  const attempt = async (action: 'start' | 'end', runId: string) => {
    try {
      const { runs } = await clients();
      await runs[action](runId);
    } catch (e) {
      log.warn(`could not ${action} the sandbox run`, { runId, error: e as Error });
    }
  };
  return {
    start: (runId) => attempt('start', runId),
    end: (runId) => attempt('end', runId),
  };
}
