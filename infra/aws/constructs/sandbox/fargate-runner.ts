import type { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import {
  ContainerImage,
  CpuArchitecture,
  FargateTaskDefinition,
  type LogDriver,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { SANDBOX_RUNNER } from '../../../sandbox';
import { SANDBOX_PREFIX } from '../../function-access';
import type { RunnerRoles } from './runner-roles';

/**
 * The Fargate tier's runner: a task definition of a literal family (see SandboxStack.runnerFamily)
 * whose task role only assumes the run role (constructs/sandbox/runner-roles.ts).
 * Built into the given scope (the sandbox stack), keeping the logical ids it had in the stack.
 */
export class FargateRunner {
  readonly taskDefinition: FargateTaskDefinition;

  constructor(
    scope: Construct,
    props: {
      family: string;
      image: DockerImageAsset;
      logging: LogDriver;
      roles: RunnerRoles;
      artifacts: IBucket;
    },
  ) {
    this.taskDefinition = new FargateTaskDefinition(scope, 'RunnerTask', {
      // A literal family, so the functions' stacks name it by string: a new image makes a new
      // revision of the same family, and no cross-stack export changes.
      family: props.family,
      cpu: 1024,
      memoryLimitMiB: 2048,
      taskRole: props.roles.taskRole,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const env = SANDBOX_RUNNER.env;
    this.taskDefinition.addContainer(SANDBOX_RUNNER.containerName, {
      image: ContainerImage.fromDockerImageAsset(props.image),
      logging: props.logging,
      // The queue URL and run id come per task from RunTask overrides (RunnerPerRunSandbox).
      environment: {
        [env.isolation]: 'microvm',
        [env.runRoleArn]: props.roles.runRole.roleArn,
        [env.bucket]: props.artifacts.bucketName,
        [env.prefix]: SANDBOX_PREFIX,
      },
    });
  }
}
