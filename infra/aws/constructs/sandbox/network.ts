import { Aws, Stack } from 'aws-cdk-lib';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  CfnFirewallConfig,
  CfnFirewallDomainList,
  CfnFirewallRuleGroup,
  CfnFirewallRuleGroupAssociation,
} from 'aws-cdk-lib/aws-route53resolver';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { DeployContext } from '../../deploy-context';
import { SANDBOX_PREFIX } from '../../function-access';
import type { FunctionNetwork } from '../../techteam-function';

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
    // A runner's credentials for its run are an AssumeRole of the run role (both tiers), and in
    // byo every function acting for a tenant assumes the tenant data role: without STS in the
    // closed VPC neither gets a session, so no job runs and no tenant is served.
    ['Sts', InterfaceVpcEndpointAwsService.STS],
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
      // The team memory's index (infra/aws/memory.ts), and its queue through Sqs above.
      ['S3Vectors', InterfaceVpcEndpointAwsService.S3_VECTORS],
      // The API key pepper, read by both authorizers and CreateKey (api-stack.ts): without it no
      // API key is checked or made in byo.
      ['SecretsManager', InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
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
export function sandboxDnsFirewall(scope: Construct, vpc: Vpc): void {
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
 * The sandbox's network: a VPC whose subnets are all isolated (no internet gateway, no NAT:
 * the only ways out are the S3 gateway endpoint and the interface endpoints, each limited to
 * this account), the DNS firewall, and the runners' security group. In byo mode the same VPC
 * also holds the functions' subnets, with endpoints for everything the functions call.
 *
 * Built into the given scope (the sandbox stack) without a construct level of its own, so
 * the resources keep the logical ids they had before this was split out of the stack.
 */
export class SandboxNetwork {
  readonly vpc: Vpc;
  readonly sandboxSubnets: SubnetSelection = { subnetGroupName: 'Sandbox' };
  readonly runnerSecurityGroup: SecurityGroup;
  /** byo only: where the functions run. */
  readonly functionNetwork: FunctionNetwork | undefined;

  constructor(scope: Construct, props: { context: DeployContext; artifacts: IBucket }) {
    const { context, artifacts } = props;
    const byo = context.mode === 'byo';
    this.vpc = new Vpc(scope, 'Vpc', {
      // Zones checked for the instance type and every endpoint service (npm run zones), when given;
      // otherwise the region's first two, which holds in the regions we know of but is not checked.
      ...(context.availabilityZones ? { availabilityZones: context.availabilityZones } : { maxAzs: 2 }),
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
            new LogGroup(scope, 'FlowLogs', { retention: RetentionDays.ONE_MONTH }),
          ),
        },
      },
    });

    // Fargate jobs run without namespaces inside the task, so they share its network: the S3
    // endpoint's policy is what stops a job from reaching any other bucket in the region
    // (e.g. with credentials of its own). Only the runner's prefix and the image layers pass.
    const sandboxS3 = this.vpc.addGatewayEndpoint('S3Endpoint', {
      service: GatewayVpcEndpointAwsService.S3,
      subnets: [this.sandboxSubnets],
    });
    for (const statement of sandboxS3EndpointStatements(artifacts, context.sandbox))
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
          resources: [artifacts.bucketArn, artifacts.arnForObjects('*')],
        }),
      );
      // What the functions call, and nothing else: no route leads to a third-party model API.
      // Routed from the functions' subnets only: the sandbox subnets get no path to the table at all.
      this.vpc.addGatewayEndpoint('DynamoDbEndpoint', {
        service: GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: [{ subnetGroupName: 'Functions' }],
      });
    }
    for (const [name, service] of sandboxInterfaceEndpoints(context)) {
      const endpoint = this.vpc.addInterfaceEndpoint(`${name}Endpoint`, { service, privateDnsEnabled: true });
      endpoint.addToPolicy(accountOnlyEndpointStatement(service));
    }
    sandboxDnsFirewall(scope, this.vpc);

    // Egress on 443 only. The subnets' route tables hold nothing but the VPC and the S3
    // gateway, so "anywhere" can only mean the endpoints: the route table is the boundary.
    this.runnerSecurityGroup = new SecurityGroup(scope, 'RunnerSecurityGroup', {
      vpc: this.vpc,
      description: 'Sandbox runners: no inbound; HTTPS out to the VPC endpoints only (no route beyond them)',
      allowAllOutbound: false,
    });
    this.runnerSecurityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to VPC endpoints and S3');

    if (byo) {
      const functions = new SecurityGroup(scope, 'FunctionSecurityGroup', {
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
  }
}
