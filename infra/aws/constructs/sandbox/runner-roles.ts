import { RUN_SESSION_TAG } from '@techteam/shared/sandbox/aws';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { ArnPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { SANDBOX_PREFIX, SANDBOX_RUN_QUEUE_PREFIX } from '../../function-access';

/** The run id as the run role's resource ARNs read it: the session tag its runner assumed it with. */
export const RUN_TAG_VARIABLE = `\${aws:PrincipalTag/${RUN_SESSION_TAG}}`;

/**
 * The roles of a run's runner, the same on both tiers: a task role that may do one thing,
 * assume the run role with the run's session tag, and the run role, whose S3 objects and queue
 * are those of the run named by that tag (ABAC). The runner narrows its session further with a
 * session policy naming its run (shared/sandbox/aws/run-credentials.ts). Built into the given
 * scope (the sandbox stack), keeping the logical ids they had there.
 */
export class RunnerRoles {
  readonly taskRole: Role;
  readonly runRole: Role;

  constructor(scope: Construct, props: { artifacts: IBucket }) {
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
  }
}
