import { AWS_SANDBOX_ENV } from '@techteam/shared/runtime/aws-sandbox';
import { JOB_VISIBILITY_TIMEOUT_SECONDS } from '@techteam/shared/sandbox';
import { ArnFormat, Aws, Duration, Fn, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AdjustmentType } from 'aws-cdk-lib/aws-applicationautoscaling';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import {
  BlockDeviceVolume,
  EbsDeviceVolumeType,
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InstanceType,
  InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  LaunchTemplate,
  Peer,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
  UserData,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  AsgCapacityProvider,
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  Ec2Service,
  Ec2TaskDefinition,
  EcsOptimizedImage,
  FargateTaskDefinition,
  LogDrivers,
  NetworkMode,
  OperatingSystemFamily,
  type TaskDefinition,
} from 'aws-cdk-lib/aws-ecs';
import { AnyPrincipal, type IGrantable, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CfnFirewallConfig,
  CfnFirewallDomainList,
  CfnFirewallRuleGroup,
  CfnFirewallRuleGroupAssociation,
} from 'aws-cdk-lib/aws-route53resolver';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SANDBOX_RUNNER } from '../../sandbox';
import type { DeployContext } from '../deploy-context';
import { SANDBOX_PREFIX, SANDBOX_RUN_QUEUE_PREFIX } from '../function-access';
import { acknowledgeWildcards } from '../nag';
import { watchDeadLetters } from '../observability';
import type { FunctionNetwork } from '../techteam-function';

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
 * The sandbox subnets' S3 gateway endpoint policy: the runner's objects under the sandbox
 * prefix of the artifacts bucket, and the bucket ECR serves image layers from (Fargate and
 * the gVisor hosts pull the runner image through it). The gVisor hosts also install the AWS
 * CLI from the Amazon Linux 2023 repositories, which are S3 buckets too.
 */
export function sandboxS3EndpointStatements(
  artifacts: IBucket,
  tier: DeployContext['sandbox'],
): PolicyStatement[] {
  const statements = [
    new PolicyStatement({
      sid: 'RunnerJobObjects',
      principals: [new AnyPrincipal()],
      actions: ['s3:GetObject', 's3:PutObject'],
      resources: [artifacts.arnForObjects(`${SANDBOX_PREFIX}/*`)],
    }),
    new PolicyStatement({
      sid: 'EcrImageLayers',
      principals: [new AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [`arn:${Aws.PARTITION}:s3:::prod-${Aws.REGION}-starport-layer-bucket/*`],
    }),
  ];
  if (tier === 'ec2-gvisor') {
    statements.push(
      new PolicyStatement({
        sid: 'AmazonLinuxRepositories',
        principals: [new AnyPrincipal()],
        actions: ['s3:GetObject'],
        resources: [`arn:${Aws.PARTITION}:s3:::al2023-repos-${Aws.REGION}-de612dc2/*`],
      }),
    );
  }
  return statements;
}

/**
 * The interface endpoints of the sandbox VPC for a deploy context, by construct name: what the
 * runners (and in ec2-gvisor, their hosts; in byo, the functions) call. The zone picker
 * (infra/aws/zones.ts) checks each of these exists in the zones it chooses.
 */
export function sandboxInterfaceEndpoints(
  context: DeployContext,
): [string, InterfaceVpcEndpointAwsService][] {
  const endpoints: [string, InterfaceVpcEndpointAwsService][] = [
    ['Sqs', InterfaceVpcEndpointAwsService.SQS],
    ['EcrApi', InterfaceVpcEndpointAwsService.ECR],
    ['EcrDocker', InterfaceVpcEndpointAwsService.ECR_DOCKER],
    ['Logs', InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS],
  ];
  if (context.sandbox === 'ec2-gvisor') {
    // Container instances in a closed VPC register with the cluster (ecs), hold the agent's
    // session (ecs-agent) and report metrics (ecs-telemetry) only through these endpoints.
    endpoints.push(
      ['EcsAgent', InterfaceVpcEndpointAwsService.ECS_AGENT],
      ['EcsTelemetry', InterfaceVpcEndpointAwsService.ECS_TELEMETRY],
    );
  }
  if (context.mode === 'byo') {
    // What the functions call, and nothing else: no route leads to a third-party model API.
    endpoints.push(
      ['StepFunctions', InterfaceVpcEndpointAwsService.STEP_FUNCTIONS],
      ['BedrockRuntime', InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME],
    );
  }
  if (context.mode === 'byo' || context.sandbox === 'ec2-gvisor')
    endpoints.push(['Ecs', InterfaceVpcEndpointAwsService.ECS]);
  return endpoints;
}

/**
 * An interface endpoint's policy: callers of this account only, on this account's resources
 * only. Fargate jobs share the runner's network, so without it a job holding another account's
 * credentials could send data out through SQS, Logs or ECR to that account. Bedrock's models
 * belong to no account, so there only the caller is held.
 */
export function accountOnlyEndpointStatement(service: InterfaceVpcEndpointAwsService): PolicyStatement {
  const ownResources = service.shortName !== InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME.shortName;
  return new PolicyStatement({
    sid: 'ThisAccountOnly',
    principals: [new AnyPrincipal()],
    actions: ['*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID },
      // IfExists: actions with no resource (ecr:GetAuthorizationToken) carry no resource account.
      ...(ownResources ? { StringEqualsIfExists: { 'aws:ResourceAccount': Aws.ACCOUNT_ID } } : {}),
    },
  });
}

/** The names the VPC's resolver answers: the region's AWS service names; everything else is NXDOMAIN. */
export function sandboxDnsAllowList(): string[] {
  return [`${Aws.REGION}.amazonaws.com.`, `*.${Aws.REGION}.amazonaws.com.`];
}

/**
 * Route 53 Resolver DNS Firewall on the sandbox VPC: a job can make the resolver ask any
 * name, and a name under a domain someone else runs carries data to their name servers.
 * Only the region's AWS service names resolve (the endpoints, S3, ECR's registry and layer
 * bucket, and the Amazon Linux repositories the ec2-gvisor hosts install from); those are
 * answered by AWS's own name servers, so a query under them reaches no one outside.
 */
function sandboxDnsFirewall(scope: Construct, vpc: Vpc): void {
  const allowed = new CfnFirewallDomainList(scope, 'DnsAllowedDomains', {
    name: `${Stack.of(scope).stackName}-aws-services`,
    domains: sandboxDnsAllowList(),
  });
  const everything = new CfnFirewallDomainList(scope, 'DnsAllDomains', {
    name: `${Stack.of(scope).stackName}-everything`,
    domains: ['*'],
  });
  const rules = new CfnFirewallRuleGroup(scope, 'DnsFirewallRules', {
    name: `${Stack.of(scope).stackName}-dns`,
    firewallRules: [
      { firewallDomainListId: allowed.attrId, priority: 100, action: 'ALLOW' },
      { firewallDomainListId: everything.attrId, priority: 200, action: 'BLOCK', blockResponse: 'NXDOMAIN' },
    ],
  });
  new CfnFirewallRuleGroupAssociation(scope, 'DnsFirewall', {
    firewallRuleGroupId: rules.attrId,
    vpcId: vpc.vpcId,
    priority: 101,
    name: `${Stack.of(scope).stackName}-dns`,
  });
  // Closed, not open, if the firewall itself cannot answer: nothing in this VPC needs other names.
  new CfnFirewallConfig(scope, 'DnsFirewallFailClosed', {
    resourceId: vpc.vpcId,
    firewallFailOpen: 'DISABLED',
  });
}

/**
 * The ec2-gvisor pool's capacity, kept consistent in one place: a c7i.large (2 vCPU,
 * 4 GiB, of which ECS offers ~3.7 GiB to tasks) fits one 3 GiB runner, so the host
 * group may grow to one host per runner at the pool's largest.
 */
export const GVISOR_POOL = {
  instanceType: 'c7i.large',
  runnerMemoryMiB: 3072,
  runnersPerHost: 1,
  minRunners: 1,
  maxRunners: 8,
  get maxHosts(): number {
    return Math.ceil(this.maxRunners / this.runnersPerHost);
  },
} as const;

/**
 * Where generated code runs. A VPC whose subnets are all isolated (no internet
 * gateway, no NAT: the only ways out are the S3 gateway endpoint and interface
 * endpoints for SQS, ECR and CloudWatch Logs), an ECS cluster, and the runner
 * image from infra/sandbox.
 *
 * - fargate (default): a Fargate task definition; one runner task per task run
 *   with a queue of its own, started at StartRun, found by the step Lambdas,
 *   stopped at Finalize, MarkFailed or cancel (shared/runtime/aws-sandbox.ts).
 * - ec2-gvisor: EC2 container instances with runsc, a job queue, and a warm
 *   pool service of runners scaled on the queue's depth.
 *
 * In byo mode the same VPC also holds the functions' subnets, with endpoints
 * for everything the functions call, so nothing can leave the account.
 */
export class SandboxStack extends Stack {
  readonly vpc: Vpc;
  readonly sandboxSubnets: SubnetSelection;
  readonly cluster: Cluster;
  readonly runnerSecurityGroup: SecurityGroup;
  readonly taskRole: Role;
  readonly taskDefinition: TaskDefinition;
  /** ec2-gvisor only: the warm pool's job queue. */
  readonly jobQueue: Queue | undefined;
  /** byo only: where the functions run. */
  readonly functionNetwork: FunctionNetwork | undefined;
  readonly tier: DeployContext['sandbox'];

  constructor(scope: Construct, id: string, props: SandboxStackProps) {
    super(scope, id, props);
    const { mode, sandbox: tier } = props.context;
    this.tier = tier;
    const byo = mode === 'byo';

    this.vpc = new Vpc(this, 'Vpc', {
      // Zones checked for the instance type and every endpoint service (npm run zones), when given;
      // otherwise the region's first two, which holds in the regions we know of but is not checked.
      ...(props.context.availabilityZones
        ? { availabilityZones: props.context.availabilityZones }
        : { maxAzs: 2 }),
      natGateways: 0,
      subnetConfiguration: [
        { name: 'Sandbox', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
        ...(byo ? [{ name: 'Functions', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }] : []),
      ],
      // Rejected traffic is what matters here: a job trying to get out.
      flowLogs: {
        Rejected: {
          trafficType: FlowLogTrafficType.REJECT,
          destination: FlowLogDestination.toCloudWatchLogs(
            new LogGroup(this, 'FlowLogs', { retention: RetentionDays.ONE_MONTH }),
          ),
        },
      },
    });
    this.sandboxSubnets = { subnetGroupName: 'Sandbox' };

    // Fargate jobs run without namespaces inside the task, so they share its network: the S3
    // endpoint's policy is what stops a job from reaching any other bucket in the region
    // (e.g. with credentials of its own). Only the runner's prefix and the image layers pass.
    const sandboxS3 = this.vpc.addGatewayEndpoint('S3Endpoint', {
      service: GatewayVpcEndpointAwsService.S3,
      subnets: [this.sandboxSubnets],
    });
    for (const statement of sandboxS3EndpointStatements(props.artifacts, tier))
      sandboxS3.addToPolicy(statement);
    if (byo) {
      // The functions' own route to S3: the artifacts bucket (workspaces and sandbox jobs), nothing else.
      const functionsS3 = this.vpc.addGatewayEndpoint('FunctionsS3Endpoint', {
        service: GatewayVpcEndpointAwsService.S3,
        subnets: [{ subnetGroupName: 'Functions' }],
      });
      functionsS3.addToPolicy(
        new PolicyStatement({
          principals: [new AnyPrincipal()],
          actions: ['s3:*'],
          resources: [props.artifacts.bucketArn, props.artifacts.arnForObjects('*')],
        }),
      );
    }
    if (byo) {
      // What the functions call, and nothing else: no route leads to a third-party model API.
      // Routed from the functions' subnets only: the sandbox subnets get no path to the table at all.
      this.vpc.addGatewayEndpoint('DynamoDbEndpoint', {
        service: GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: [{ subnetGroupName: 'Functions' }],
      });
    }
    const interfaceEndpoints = sandboxInterfaceEndpoints(props.context);
    for (const [name, service] of interfaceEndpoints) {
      const endpoint = this.vpc.addInterfaceEndpoint(`${name}Endpoint`, { service, privateDnsEnabled: true });
      endpoint.addToPolicy(accountOnlyEndpointStatement(service));
    }
    sandboxDnsFirewall(this, this.vpc);

    // Egress on 443 only. The subnets' route tables hold nothing but the VPC and the S3
    // gateway, so "anywhere" can only mean the endpoints: the route table is the boundary.
    this.runnerSecurityGroup = new SecurityGroup(this, 'RunnerSecurityGroup', {
      vpc: this.vpc,
      description: 'Sandbox runners: no inbound; HTTPS out to the VPC endpoints only (no route beyond them)',
      allowAllOutbound: false,
    });
    this.runnerSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to VPC endpoints and S3');

    if (byo) {
      const functions = new SecurityGroup(this, 'FunctionSecurityGroup', {
        vpc: this.vpc,
        description: 'byo functions: HTTPS out to the AWS service endpoints only (no route beyond them)',
        allowAllOutbound: false,
      });
      functions.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to VPC endpoints, S3 and DynamoDB');
      this.functionNetwork = {
        vpc: this.vpc,
        subnets: { subnetGroupName: 'Functions' },
        securityGroup: functions,
      };
    }

    this.cluster = new Cluster(this, 'Cluster', {
      vpc: this.vpc,
      containerInsightsV2: ContainerInsights.ENABLED,
    });

    const image = new DockerImageAsset(this, 'RunnerImage', {
      directory: SANDBOX_RUNNER.buildContext,
      file: SANDBOX_RUNNER.dockerfile,
      buildArgs: SANDBOX_RUNNER.buildArgs[tier],
      // x86_64 runners: the image builds natively on the usual CI and developer machines.
      platform: Platform.LINUX_AMD64,
      exclude: IMAGE_CONTEXT_EXCLUDE,
      ...(props.runnerImageRevision ? { extraHash: props.runnerImageRevision } : {}),
    });

    // The runner's role: its S3 prefix and its queue(s), nothing else (never the table).
    this.taskRole = new Role(this, 'RunnerTaskRole', {
      assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Sandbox runner: read jobs and write results under the sandbox prefix; consume its queue',
    });
    this.taskRole.addToPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [props.artifacts.arnForObjects(`${SANDBOX_PREFIX}/*`)],
      }),
    );

    const logGroup = new LogGroup(this, 'RunnerLogs', { retention: RetentionDays.ONE_MONTH });
    const logging = LogDrivers.awsLogs({ streamPrefix: 'runner', logGroup });
    const env = SANDBOX_RUNNER.env;

    if (tier === 'fargate') {
      this.jobQueue = undefined;
      const task = new FargateTaskDefinition(this, 'RunnerTask', {
        // A literal family, so the functions' stacks name it by string: a new image makes a new
        // revision of the same family, and no cross-stack export changes (see runnerFamily).
        family: this.runnerFamily,
        cpu: 1024,
        memoryLimitMiB: 2048,
        taskRole: this.taskRole,
        runtimePlatform: {
          cpuArchitecture: CpuArchitecture.X86_64,
          operatingSystemFamily: OperatingSystemFamily.LINUX,
        },
      });
      task.addContainer(SANDBOX_RUNNER.containerName, {
        image: ContainerImage.fromDockerImageAsset(image),
        logging,
        // The queue URL and run id come per task from RunTask overrides (FargateSandbox).
        environment: { [env.isolation]: 'microvm' },
      });
      this.taskDefinition = task;
      // Each run's queue is created by the adapter, named with the run queue prefix.
      this.taskRole.addToPolicy(
        new PolicyStatement({
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          resources: [this.runQueueArns()],
        }),
      );
    } else {
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
      this.taskDefinition = this.gvisorPool(image, logging, this.jobQueue);
    }

    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions::AwsSolutions-ECS2',
      reason:
        'The runner environment holds only non-secret settings (isolation level, queue URL, idle time); it has no secrets to move to Secrets Manager',
    });
    acknowledgeWildcards(
      this.taskRole,
      tier === 'fargate' ? ['SandboxJobObjects', 'SandboxRunQueues'] : ['SandboxJobObjects'],
    );
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

  /** ec2-gvisor: EC2 container instances with runsc registered in Docker, and a warm pool of runners. */
  private gvisorPool(
    image: DockerImageAsset,
    logging: ReturnType<typeof LogDrivers.awsLogs>,
    queue: Queue,
  ): TaskDefinition {
    const instanceRole = new Role(this, 'GvisorInstanceRole', {
      assumedBy: new ServicePrincipal('ec2.amazonaws.com'),
      description: 'gVisor sandbox hosts: join the ECS cluster and pull the runner image',
    });
    image.repository.grantPull(instanceRole);

    const userData = UserData.forLinux();
    const registry = Fn.select(0, Fn.split('/', image.imageUri));
    userData.addCommands(
      'set -euo pipefail',
      // The hosts have no route to the internet, so runsc cannot be downloaded: it is copied
      // out of the runner image (built WITH_RUNSC=true) through the ECR and S3 endpoints.
      'command -v aws >/dev/null || dnf install -y awscli-2',
      'systemctl start docker',
      `aws ecr get-login-password --region ${Aws.REGION} | docker login --username AWS --password-stdin ${registry}`,
      `docker pull ${image.imageUri}`,
      `cid=$(docker create ${image.imageUri})`,
      'docker cp "$cid:/usr/bin/runsc" /usr/local/bin/runsc && docker rm "$cid"',
      'chmod 0755 /usr/local/bin/runsc',
      // Registers the "runsc" runtime in /etc/docker/daemon.json. It is not made Docker's default:
      // that would start the ECS agent itself under gVisor, which stops it (aws/containers-roadmap#673).
      '/usr/local/bin/runsc install',
      'systemctl restart docker',
      // The runners (awsvpc tasks) must not reach the host's instance metadata and its role's
      // credentials; the hop limit below stops bridge-mode containers, this stops awsvpc ones.
      'echo ECS_AWSVPC_BLOCK_IMDS=true >> /etc/ecs/ecs.config',
    );
    const launchTemplate = new LaunchTemplate(this, 'GvisorHostTemplate', {
      instanceType: new InstanceType(GVISOR_POOL.instanceType),
      machineImage: EcsOptimizedImage.amazonLinux2023(),
      role: instanceRole,
      userData,
      securityGroup: this.runnerSecurityGroup,
      requireImdsv2: true,
      // One hop: the host reaches IMDSv2, anything behind a bridge or in a container does not.
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: BlockDeviceVolume.ebs(40, { encrypted: true, volumeType: EbsDeviceVolumeType.GP3 }),
        },
      ],
    });
    const hosts = new AutoScalingGroup(this, 'GvisorHosts', {
      vpc: this.vpc,
      vpcSubnets: this.sandboxSubnets,
      launchTemplate,
      minCapacity: 0,
      // One host per runner at most: the pool's largest size always has somewhere to run.
      maxCapacity: GVISOR_POOL.maxHosts,
    });
    const capacity = new AsgCapacityProvider(this, 'GvisorCapacity', {
      autoScalingGroup: hosts,
      enableManagedScaling: true,
      enableManagedTerminationProtection: false,
      // ECS drains a host's tasks before scale-in itself, so no drain-hook Lambda is created.
      enableManagedDraining: true,
      targetCapacityPercent: 100,
    });
    this.cluster.addAsgCapacityProvider(capacity);

    const task = new Ec2TaskDefinition(this, 'GvisorRunnerTask', {
      networkMode: NetworkMode.AWS_VPC,
      taskRole: this.taskRole,
    });
    task.addContainer(SANDBOX_RUNNER.containerName, {
      image: ContainerImage.fromDockerImageAsset(image),
      memoryLimitMiB: GVISOR_POOL.runnerMemoryMiB,
      logging,
      // runsc needs to create the namespaces and cgroups of each job's sandbox. Jobs themselves
      // run inside gVisor with no capabilities and --network=none; only the runner is privileged.
      privileged: true,
      environment: {
        [SANDBOX_RUNNER.env.isolation]: 'gvisor',
        [SANDBOX_RUNNER.env.queueUrl]: queue.queueUrl,
        // A pool runner never idles out: the service keeps the pool at its size.
        [SANDBOX_RUNNER.env.idleSeconds]: String(7 * 24 * 3600),
      },
    });

    const pool = new Ec2Service(this, 'GvisorPool', {
      cluster: this.cluster,
      taskDefinition: task,
      desiredCount: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 200,
      // A runner that cannot start fails the deployment in minutes and rolls back, not after hours.
      circuitBreaker: { enable: true, rollback: true },
      capacityProviderStrategies: [{ capacityProvider: capacity.capacityProviderName, weight: 1 }],
      vpcSubnets: this.sandboxSubnets,
      securityGroups: [this.runnerSecurityGroup],
    });
    // Warm pool of 1–8 runners, growing with the jobs waiting in the queue.
    const scaling = pool.autoScaleTaskCount({
      minCapacity: GVISOR_POOL.minRunners,
      maxCapacity: GVISOR_POOL.maxRunners,
    });
    scaling.scaleOnMetric('QueueDepth', {
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      adjustmentType: AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: 0, change: -1 },
        { lower: 2, change: +1 },
        { lower: 10, change: +3 },
      ],
      cooldown: Duration.minutes(2),
    });

    acknowledgeWildcards(instanceRole, ['NoResourceLevel', 'EcsAgentActions']);
    Validations.of(hosts).acknowledge({
      id: 'AwsSolutions::AwsSolutions-AS3',
      reason:
        'Scaling is driven by the ECS capacity provider and visible in ECS events; no one acts on ASG notifications',
    });
    Validations.of(launchTemplate).acknowledge({
      id: 'AwsSolutions::AwsSolutions-EC29',
      reason:
        'Sandbox hosts are disposable capacity replaced by the ASG; termination protection would block scale-in',
    });
    return task;
  }
}
