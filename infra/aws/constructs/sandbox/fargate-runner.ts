import { RUN_SESSION_TAG } from '@techteam/shared/sandbox/aws';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { DockerImageAsset } from 'aws-cdk-lib/aws-ecr-assets';
import {
  ContainerImage,
  CpuArchitecture,
  FargateTaskDefinition,
  type LogDriver,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { ArnPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { SANDBOX_RUNNER } from '../../../sandbox';
import { SANDBOX_PREFIX, SANDBOX_RUN_QUEUE_PREFIX } from '../../function-access';

/** The run id as the run role's resource ARNs read it: the session tag its runner assumed it with. */
export const RUN_TAG_VARIABLE = `\${aws:PrincipalTag/${RUN_SESSION_TAG}}`;

/**
 * The Fargate tier's runner: a task definition of a literal family (see SandboxStack.runnerFamily),
 * a task role that may do one thing, assume the run role with the run's session tag, and the run
 * role, whose S3 objects and queue are those of the run named by that tag (ABAC). The runner
 * narrows its session further with a session policy naming its run (shared/sandbox/aws/run-credentials.ts).
 * Built into the given scope (the sandbox stack), keeping the logical ids it had in the stack.
 */
export class FargateRunner {
  readonly taskRole: Role;
  readonly runRole: Role;
  readonly taskDefinition: FargateTaskDefinition;

  constructor(
    scope: Construct,
    props: { family: string; image: DockerImageAsset; logging: LogDriver; artifacts: IBucket },
  ) {
    this.taskRole = new Role(scope, 'RunnerTaskRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: "Sandbox runner: only assumes the run role for its own run's objects and queue",
    });
    this.runRole = new Role(scope, 'RunnerRunRole', {
      assumedBy: new ArnPrincipal(this.taskRole.roleArn).withConditions({
        // Only with the run's tag, and no other tag: the tag is what the resource ARNs below read.
        StringLike: { [`aws:RequestTag/${RUN_SESSION_TAG}`]: '?*' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': [RUN_SESSION_TAG] },
      }),
      description: "Sandbox run: one run's job objects and queue, named by the session's run tag",
    });
    this.runRole.assumeRolePolicy?.addStatements(
      new PolicyStatement({
        actions: ['sts:TagSession'],
        principals: [new ArnPrincipal(this.taskRole.roleArn)],
        conditions: { StringLike: { [`aws:RequestTag/${RUN_SESSION_TAG}`]: '?*' } },
      }),
    );
    this.runRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [props.artifacts.arnForObjects(`${SANDBOX_PREFIX}/${RUN_TAG_VARIABLE}/*`)],
      }),
    );
    this.runRole.addToPolicy(
      new PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [
          Stack.of(scope).formatArn({
            service: 'sqs',
            resource: `${SANDBOX_RUN_QUEUE_PREFIX}${RUN_TAG_VARIABLE}`,
            arnFormat: ArnFormat.NO_RESOURCE_NAME,
          }),
        ],
      }),
    );
    this.taskRole.addToPolicy(
      new PolicyStatement({
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: [this.runRole.roleArn],
      }),
    );

    this.taskDefinition = new FargateTaskDefinition(scope, 'RunnerTask', {
      // A literal family, so the functions' stacks name it by string: a new image makes a new
      // revision of the same family, and no cross-stack export changes.
      family: props.family,
      cpu: 1024,
      memoryLimitMiB: 2048,
      taskRole: this.taskRole,
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
        [env.runRoleArn]: this.runRole.roleArn,
        [env.bucket]: props.artifacts.bucketName,
        [env.prefix]: SANDBOX_PREFIX,
      },
    });
  }
}
