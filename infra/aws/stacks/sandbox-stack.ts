import { AWS_SANDBOX_ENV } from '@techteam/shared/sandbox/aws';
import { ArnFormat, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  InterfaceVpcEndpoint,
  type SecurityGroup,
  type SubnetSelection,
  type Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerInsights, LogDrivers, type TaskDefinition } from 'aws-cdk-lib/aws-ecs';
import { type IGrantable, PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { FargateRunner } from '../constructs/sandbox/fargate-runner';
import { GvisorRunner } from '../constructs/sandbox/gvisor-runner';
import { SandboxNetwork } from '../constructs/sandbox/network';
import { runnerImage } from '../constructs/sandbox/runner-image';
import { RunnerRoles } from '../constructs/sandbox/runner-roles';
import type { DeployContext } from '../deploy-context';
import { SANDBOX_PREFIX, SANDBOX_RUN_QUEUE_PREFIX } from '../function-access';
import { acknowledgeWildcards } from '../nag';
import type { FunctionNetwork } from '../techteam-function';

export { GVISOR_HOSTS } from '../constructs/sandbox/gvisor-runner';
export {
  accountOnlyEndpointStatement,
  sandboxDnsAllowList,
  sandboxInterfaceEndpoints,
  sandboxS3EndpointStatements,
} from '../constructs/sandbox/network';

export interface SandboxStackProps extends StackProps {
  context: DeployContext;
  artifacts: IBucket;
  /**
   * Mixed into the runner image's asset hash: a new value rebuilds the image (and so
   * replaces the task definition) without a source change, e.g. to pick up a patched base image.
   */
  runnerImageRevision?: string;
}

/**
 * Where generated code runs: the sandbox network (constructs/sandbox/network.ts), an ECS
 * cluster, the runner image from infra/sandbox, and a runner task per task run with a queue of
 * its own, started at StartRun, found by the step Lambdas, stopped at Finalize, MarkFailed or
 * cancel (shared/deps/aws-sandbox.ts). On both tiers the runner reaches its run's objects and
 * queue only through the run role (constructs/sandbox/runner-roles.ts); the tier is where it runs:
 *
 * - fargate (default): a Fargate task, its own microVM (constructs/sandbox/fargate-runner.ts).
 * - ec2-gvisor: a task on EC2 hosts with runsc, one runner per host, each job under gVisor
 *   (constructs/sandbox/gvisor-runner.ts).
 *
 * The stack keeps what the functions' stacks ask of it: their environment and grants.
 */
export class SandboxStack extends Stack {
  readonly vpc: Vpc;
  readonly sandboxSubnets: SubnetSelection;
  readonly cluster: Cluster;
  readonly runnerSecurityGroup: SecurityGroup;
  readonly taskRole: Role;
  /** The role a runner assumes, tagged with its run. */
  readonly runRole: Role;
  readonly taskDefinition: TaskDefinition;
  /** ec2-gvisor only: the gVisor hosts' capacity provider, where runners are placed. */
  readonly capacityProviderName: string | undefined;
  /** byo only: where the functions run. */
  readonly functionNetwork: FunctionNetwork | undefined;
  readonly tier: DeployContext['sandbox'];

  constructor(scope: Construct, id: string, props: SandboxStackProps) {
    super(scope, id, props);
    const tier = props.context.sandbox;
    this.tier = tier;
    const network = new SandboxNetwork(this, props);
    this.vpc = network.vpc;
    this.sandboxSubnets = network.sandboxSubnets;
    this.runnerSecurityGroup = network.runnerSecurityGroup;
    this.functionNetwork = network.functionNetwork;

    this.cluster = new Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
    });
    const image = runnerImage(this, tier, props.runnerImageRevision);
    const logGroup = new LogGroup(this, 'RunnerLogs', { retention: RetentionDays.ONE_MONTH });
    const logging = LogDrivers.awsLogs({ streamPrefix: 'runner', logGroup });

    const roles = new RunnerRoles(this, { artifacts: props.artifacts });
    this.taskRole = roles.taskRole;
    this.runRole = roles.runRole;
    acknowledgeWildcards(this.runRole, ['RunJobObjects']);
    const runner = { family: this.runnerFamily, image, logging, roles, artifacts: props.artifacts };
    if (tier === 'fargate') {
      this.taskDefinition = new FargateRunner(this, runner).taskDefinition;
      this.capacityProviderName = undefined;
    } else {
      const gvisor = new GvisorRunner(this, {
        ...runner,
        network,
        cluster: this.cluster,
        ...(props.context.gvisorHosts ? { hosts: props.context.gvisorHosts } : {}),
      });
      this.taskDefinition = gvisor.taskDefinition;
      this.capacityProviderName = gvisor.capacityProviderName;
    }

    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions::AwsSolutions-ECS2',
      reason:
        'The runner environment holds only non-secret settings (isolation level, queue URL, idle time, run role ARN, bucket name); it has no secrets to move to Secrets Manager',
    });
    acknowledgeWildcards(this.taskDefinition.obtainExecutionRole(), ['NoResourceLevel']);
    for (const endpoint of this.vpc.node.findAll().filter((c) => c instanceof InterfaceVpcEndpoint)) {
      Validations.of(endpoint).acknowledge({
        id: 'AwsSolutions::AwsSolutions-EC23',
        reason:
          "An interface endpoint's security group admits HTTPS from the VPC's own CIDR only; cdk-nag cannot read the CIDR because it is a GetAtt",
      });
    }
  }

  /**
   * The runner's task definition family (both tiers). RunTask with a family runs its latest
   * ACTIVE revision, so the step functions need neither the revision nor a cross-stack
   * export of the ARN (an export CloudFormation refuses to change while it is imported,
   * which failed every deploy that rebuilt the runner image).
   */
  get runnerFamily(): string {
    return `${this.stackName}-runner`;
  }

  /** Every revision of the runner's family, for RunTask grants. */
  private runnerFamilyRevisions(): string {
    return Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'task-definition',
      resourceName: `${this.runnerFamily}:*`,
    });
  }

  /** ARNs of the per-run queues the adapter creates. */
  runQueueArns(): string {
    return Stack.of(this).formatArn({
      service: 'sqs',
      resource: `${SANDBOX_RUN_QUEUE_PREFIX}*`,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
  }

  /** The variables shared/deps/aws-sandbox.ts reads to reach the tier (for the functions granted below). */
  functionEnvironment(artifacts: IBucket): Record<string, string> {
    const E = AWS_SANDBOX_ENV;
    const common = {
      [E.tier]: this.tier,
      [E.bucket]: artifacts.bucketName,
      [E.prefix]: SANDBOX_PREFIX,
    };
    return {
      ...common,
      [E.cluster]: this.cluster.clusterName,
      [E.taskDefinition]: this.runnerFamily,
      [E.containerName]: this.taskDefinition.defaultContainer!.containerName,
      [E.subnets]: this.vpc.selectSubnets(this.sandboxSubnets).subnetIds.join(','),
      [E.securityGroups]: this.runnerSecurityGroup.securityGroupId,
      ...(this.capacityProviderName ? { [E.capacityProvider]: this.capacityProviderName } : {}),
    };
  }

  /**
   * Lets a step Lambda run code: the S3 job prefix, its run's runner (see grantRunners) and
   * sending to its queue.
   */
  grantRunJobs(fn: IGrantable, artifacts: IBucket): void {
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [artifacts.arnForObjects(`${SANDBOX_PREFIX}/*`)],
      }),
    );
    this.grantRunners(fn, ['sqs:SendMessage']);
  }

  /** RunTask of the runner's family in this cluster, and passing its roles to ECS. */
  private grantRunnerStarts(fn: IGrantable): void {
    // By family (any revision) in this cluster, not by the ARN: see runnerFamily.
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [this.runnerFamilyRevisions()],
        conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
      }),
    );
    const passRoles = [this.taskRole.roleArn, this.taskDefinition.obtainExecutionRole().roleArn];
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: passRoles,
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
  }

  /**
   * Find, start and stop a run's runner tasks (RunTask with PassRole, ListTasks in
   * this cluster, StopTask and tagging of its tasks) and create, find and delete its queue.
   * `{ start: false }`: only find and end runs (ListTasks, StopTask, find and delete the queue),
   * for what never starts one (the execution reconciler).
   */
  grantRunners(
    fn: IGrantable,
    queueActions: string[] = [],
    { start = true }: { start?: boolean } = {},
  ): void {
    if (start) this.grantRunnerStarts(fn);
    const clusterTasks = Stack.of(this).formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${this.cluster.clusterName}/*`,
    });
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ecs:StopTask'], resources: [clusterTasks] }),
    );
    if (start)
      fn.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['ecs:TagResource'],
          resources: [clusterTasks],
          conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
        }),
      );
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        // ListTasks has no task-level resource; the condition holds it to this cluster.
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': this.cluster.clusterArn } },
      }),
    );
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          ...(start ? ['sqs:CreateQueue', 'sqs:TagQueue'] : []),
          'sqs:GetQueueUrl',
          'sqs:DeleteQueue',
          ...queueActions,
        ],
        resources: [this.runQueueArns()],
      }),
    );
  }
}
