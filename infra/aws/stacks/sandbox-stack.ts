import { AWS_SANDBOX_ENV } from '@techteam/shared/runtime/aws-sandbox';
import { JOB_VISIBILITY_TIMEOUT_SECONDS } from '@techteam/shared/sandbox';
import { ArnFormat, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  InterfaceVpcEndpoint,
  type SecurityGroup,
  type SubnetSelection,
  type Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { Cluster, ContainerInsights, LogDrivers, type TaskDefinition } from 'aws-cdk-lib/aws-ecs';
import {
  Role as IamRole,
  type IGrantable,
  PolicyStatement,
  type Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { FargateRunner } from '../constructs/sandbox/fargate-runner';
import { GvisorPool } from '../constructs/sandbox/gvisor-pool';
import { SandboxNetwork } from '../constructs/sandbox/network';
import { runnerImage } from '../constructs/sandbox/runner-image';
import type { DeployContext } from '../deploy-context';
import { SANDBOX_PREFIX, SANDBOX_RUN_QUEUE_PREFIX } from '../function-access';
import { acknowledgeWildcards } from '../nag';
import { watchDeadLetters } from '../observability';
import type { FunctionNetwork } from '../techteam-function';

export { GVISOR_POOL } from '../constructs/sandbox/gvisor-pool';
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
  /** Where the sandbox's alarms go (the job dead-letter queue, ec2-gvisor). */
  alarms: ITopic;
}

/**
 * Where generated code runs: the sandbox network (constructs/sandbox/network.ts), an ECS
 * cluster, the runner image from infra/sandbox, and a tier's runners:
 *
 * - fargate (default): a Fargate task definition; one runner task per task run with a queue
 *   of its own, started at StartRun, found by the step Lambdas, stopped at Finalize,
 *   MarkFailed or cancel (shared/runtime/aws-sandbox.ts). The runner reaches its run's
 *   objects and queue only through the run role (constructs/sandbox/fargate-runner.ts).
 * - ec2-gvisor: EC2 container instances with runsc, a job queue, and a warm pool service of
 *   runners scaled on the queue's depth (constructs/sandbox/gvisor-pool.ts).
 *
 * The stack keeps what the functions' stacks ask of it: their environment and grants.
 */
export class SandboxStack extends Stack {
  readonly vpc: Vpc;
  readonly sandboxSubnets: SubnetSelection;
  readonly cluster: Cluster;
  readonly runnerSecurityGroup: SecurityGroup;
  readonly taskRole: Role;
  /** fargate only: the role a runner assumes, tagged with its run. */
  readonly runRole: Role | undefined;
  readonly taskDefinition: TaskDefinition;
  /** ec2-gvisor only: the warm pool's job queue. */
  readonly jobQueue: Queue | undefined;
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

    if (tier === 'fargate') {
      const runner = new FargateRunner(this, {
        family: this.runnerFamily,
        image,
        logging,
        artifacts: props.artifacts,
      });
      this.jobQueue = undefined;
      this.taskRole = runner.taskRole;
      this.runRole = runner.runRole;
      this.taskDefinition = runner.taskDefinition;
      acknowledgeWildcards(this.runRole, ['RunJobObjects']);
    } else {
      this.runRole = undefined;
      // The pool's runners serve every run from one queue: their role is the pool's prefix and queue.
      this.taskRole = new IamRole(this, 'RunnerTaskRole', {
        assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
        description:
          'Sandbox runner: read jobs and write results under the sandbox prefix; consume its queue',
      });
      this.taskRole.addToPolicy(
        new PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [props.artifacts.arnForObjects(`${SANDBOX_PREFIX}/*`)],
        }),
      );
      const deadLetters = new Queue(this, 'JobDeadLetters', {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(4),
      });
      this.jobQueue = new Queue(this, 'JobQueue', {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // Longer than any job's wall limit plus transfer, so a running job is not handed out twice.
        visibilityTimeout: Duration.seconds(JOB_VISIBILITY_TIMEOUT_SECONDS),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount: 3 },
      });
      Validations.of(deadLetters).acknowledge({
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason:
          'This is the job queue’s dead-letter queue; a DLQ of a DLQ would only move the same messages again',
      });
      this.jobQueue.grantConsumeMessages(this.taskRole);
      watchDeadLetters(this, deadLetters, props.alarms);
      this.taskDefinition = new GvisorPool(this, {
        network,
        cluster: this.cluster,
        image,
        logging,
        taskRole: this.taskRole,
        queue: this.jobQueue,
      }).taskDefinition;
      acknowledgeWildcards(this.taskRole, ['SandboxJobObjects']);
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
   * The Fargate runner's task definition family. RunTask with a family runs its latest
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

  /** ARNs of the per-run queues the Fargate tier's adapter creates. */
  runQueueArns(): string {
    return Stack.of(this).formatArn({
      service: 'sqs',
      resource: `${SANDBOX_RUN_QUEUE_PREFIX}*`,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
  }

  /** The variables shared/runtime/aws-sandbox.ts reads to reach the tier (for the functions granted below). */
  functionEnvironment(artifacts: IBucket): Record<string, string> {
    const E = AWS_SANDBOX_ENV;
    const common = {
      [E.tier]: this.tier,
      [E.bucket]: artifacts.bucketName,
      [E.prefix]: SANDBOX_PREFIX,
    };
    if (this.jobQueue) return { ...common, [E.queueUrl]: this.jobQueue.queueUrl };
    return {
      ...common,
      [E.cluster]: this.cluster.clusterName,
      [E.taskDefinition]: this.runnerFamily,
      [E.containerName]: this.taskDefinition.defaultContainer!.containerName,
      [E.subnets]: this.vpc.selectSubnets(this.sandboxSubnets).subnetIds.join(','),
      [E.securityGroups]: this.runnerSecurityGroup.securityGroupId,
    };
  }

  /** Whether the tier keeps something per task run (a Fargate runner task), which runs start and end. */
  get hasRunners(): boolean {
    return !this.jobQueue;
  }

  /**
   * Lets a step Lambda run code: the S3 job prefix, and for Fargate the run's runner
   * (see grantRunners) and sending to its queue; for the pool, sending to its queue.
   */
  grantRunJobs(fn: IGrantable, artifacts: IBucket): void {
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [artifacts.arnForObjects(`${SANDBOX_PREFIX}/*`)],
      }),
    );
    if (this.jobQueue) {
      this.jobQueue.grantSendMessages(fn);
      return;
    }
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
   * Fargate: find, start and stop a run's runner tasks (RunTask with PassRole, ListTasks in
   * this cluster, StopTask and tagging of its tasks) and create, find and delete its queue.
   * `{ start: false }`: only find and end runs (ListTasks, StopTask, find and delete the queue),
   * for what never starts one (the execution reconciler).
   */
  grantRunners(
    fn: IGrantable,
    queueActions: string[] = [],
    { start = true }: { start?: boolean } = {},
  ): void {
    if (this.jobQueue) return;
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
