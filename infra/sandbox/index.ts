import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RUNNER_ENV } from '@techteam/shared/sandbox';

export { loadRunnerConfig, RunnerConfig } from './config';
export {
  type JobQueue,
  type ObjectStore,
  runJobMessage,
  S3ObjectStore,
  SqsJobQueue,
  serveJobs,
} from './runner';

const here = dirname(fileURLToPath(import.meta.url));

/** What a CDK stack needs to build and run the sandbox runner. */
export const SANDBOX_RUNNER = {
  /** Docker build context (the repository root) and the Dockerfile inside it. */
  buildContext: join(here, '..', '..'),
  dockerfile: 'infra/sandbox/Dockerfile',
  /** Build arg: `WITH_RUNSC=true` for the ec2-gvisor tier's image. */
  buildArgs: { fargate: { WITH_RUNSC: 'false' }, 'ec2-gvisor': { WITH_RUNSC: 'true' } },
  containerName: 'runner',
  /** Environment variables the runner reads. */
  env: RUNNER_ENV,
};
