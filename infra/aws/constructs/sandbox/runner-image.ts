import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import type { Construct } from 'constructs';
import { SANDBOX_RUNNER } from '../../../sandbox';
import type { DeployContext } from '../../deploy-context';

/** Files the runner image needs from the repository; everything else stays out of the build context. */
const IMAGE_CONTEXT_EXCLUDE = [
  '*',
  '!package.json',
  '!package-lock.json',
  '!shared',
  '!infra/package.json',
  '!infra/sandbox',
  '!functions/package.json',
  '!web/package.json',
  '**/node_modules',
  '**/*.test.ts',
];

/**
 * The runner image from infra/sandbox, built for a tier. `revision` is mixed into the asset
 * hash: a new value rebuilds the image (and so replaces the task definition) without a source
 * change, e.g. to pick up a patched base image.
 */
export function runnerImage(
  scope: Construct,
  tier: DeployContext['sandbox'],
  revision?: string,
): DockerImageAsset {
  return new DockerImageAsset(scope, 'RunnerImage', {
    directory: SANDBOX_RUNNER.buildContext,
    file: SANDBOX_RUNNER.dockerfile,
    buildArgs: SANDBOX_RUNNER.buildArgs[tier],
    // x86_64 runners: the image builds natively on the usual CI and developer machines.
    platform: Platform.LINUX_AMD64,
    exclude: IMAGE_CONTEXT_EXCLUDE,
    ...(revision ? { extraHash: revision } : {}),
  });
}
