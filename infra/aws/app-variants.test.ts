/**
 * The other deploy contexts, each synthesized once: deploy-your-own (byo) with
 * the Fargate sandbox, and hosted with the ec2-gvisor sandbox tier and an
 * authorizer in the API's slot.
 */
import { LAMBDAS } from '@techteam/functions/manifest';
import { API_ROUTES, LIVE_ROUTES } from '@techteam/functions/routes';
import { AWS_SANDBOX_ENV } from '@techteam/shared/sandbox/aws';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_TAG_VARIABLE } from './constructs/sandbox/runner-roles';
import { GVISOR_HOSTS } from './stacks/sandbox-stack';
import { PROVIDER_KEY_NAMES } from './stacks/secrets-stack';
import {
  actionsOf,
  functionsByHandler,
  roleOfFunction,
  type SynthesizedApp,
  statementsOfRole,
  synthTechteam,
} from './testing/synth';

const templatesOf = (s: SynthesizedApp): Template[] =>
  Object.values(s.stacks)
    .filter((stack) => stack !== undefined)
    .map((stack) => s.template(stack));
const propsOf = (r: Record<string, unknown>) => r['Properties'] as Record<string, unknown>;

/** The live WebSocket API of a synthesized app: its routes and the fan-out's stream mapping. */
function expectLiveApi(s: SynthesizedApp): void {
  const api = s.template(s.stacks.api);
  const [ws] = Object.keys(
    api.findResources('AWS::ApiGatewayV2::Api', { Properties: { ProtocolType: 'WEBSOCKET' } }),
  );
  expect(ws).toBeDefined();
  const keys = Object.values(api.findResources('AWS::ApiGatewayV2::Route'))
    .filter((r) => JSON.stringify(propsOf(r)['ApiId']) === JSON.stringify({ Ref: ws }))
    .map((r) => propsOf(r)['RouteKey']);
  expect(keys.sort()).toEqual(Object.keys(LIVE_ROUTES).sort());
  api.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
    ApiId: { Ref: ws },
    IdentitySource: ['route.request.querystring.token'],
  });
  api.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  const config = functionsByHandler(api).get('api/get-config.ts')!;
  const env = (propsOf(config.resource)['Environment'] as { Variables: Record<string, unknown> }).Variables;
  expect(JSON.stringify(env['TECHTEAM_LIVE_URL'])).toContain(ws!);
}

describe('byo mode (deploy-your-own)', () => {
  let byo: SynthesizedApp;
  let templates: Template[];
  beforeAll(() => {
    byo = synthTechteam({ mode: 'byo', sandbox: 'fargate' });
    templates = templatesOf(byo);
  });

  it('passes cdk-nag with every acknowledgement reasoned', () => {
    expect(byo.nag.violations.filter((v) => v.severity === 'error')).toEqual([]);
    for (const s of byo.nag.suppressed) expect(s.reason, s.acknowledgedId).toMatch(/\w+ \w+ \w+ \w+ \w+/);
  });

  it('serves the live WebSocket API: its routes, the token authorizer, the fan-out stream mapping, the config URL', () => {
    expectLiveApi(byo);
  });

  it("leaves the region's API Gateway CloudWatch role (an account-wide setting) to the customer, and still access-logs the stage", () => {
    const api = byo.template(byo.stacks.api);
    api.resourceCountIs('AWS::ApiGateway::Account', 0);
    expect(JSON.stringify(api.toJSON())).not.toContain('AmazonAPIGatewayPushToCloudWatchLogs');
    const stages = Object.values(api.findResources('AWS::ApiGatewayV2::Stage')).map(propsOf);
    for (const stage of stages) expect(stage['AccessLogSettings']).toBeDefined();
  });

  it('has no secret for any third-party provider, and no secrets stack: its one secret is the API key pepper', () => {
    expect(byo.stacks.secrets).toBeUndefined();
    const secrets = templates.flatMap((t) => Object.values(t.findResources('AWS::SecretsManager::Secret')));
    expect(secrets.map((s) => String((s['Properties'] as Record<string, unknown>)['Description']))).toEqual([
      expect.stringContaining('API key pepper'),
    ]);
    const text = JSON.stringify(templates.map((t) => t.toJSON()));
    for (const name of PROVIDER_KEY_NAMES) expect(text).not.toContain(name);
    expect(text).not.toContain('TECHTEAM_PROVIDER_SECRETS');
  });

  it('tells every function it runs in byo mode, where the runtime refuses non-Bedrock providers', () => {
    const fns = [...functionsByHandler(byo.template(byo.stacks.api)).values()].concat([
      ...functionsByHandler(byo.template(byo.stacks.workflow)).values(),
    ]);
    expect(fns.length).toBeGreaterThan(20);
    for (const fn of fns) {
      const env = (propsOf(fn.resource)['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(env['TECHTEAM_MODE']).toBe('byo');
    }
  });

  it('runs every function in the isolated VPC, whose only ways out are AWS service endpoints, but the two that post to live connections', () => {
    // A WebSocket API's @connections endpoint is public only: no VPC endpoint reaches it.
    const posting = new Set(LAMBDAS.filter((l) => l.access.liveConnections).map((l) => l.file));
    expect(posting).toEqual(new Set(['live/message.ts', 'live/fan-out.ts']));
    for (const stack of [byo.stacks.api, byo.stacks.workflow]) {
      for (const [file, fn] of functionsByHandler(byo.template(stack))) {
        if (posting.has(file)) {
          expect(propsOf(fn.resource)['VpcConfig'], file).toBeUndefined();
          // Nothing but their tenants' items (assuming the tenant data role: sts), the table's stream
          // and this API's connections: no models, secrets, objects or workflow.
          const services = new Set(
            [...actionsOf(statementsOfRole(templates, roleOfFunction(fn.resource)))].map(
              (a) => a.split(':')[0],
            ),
          );
          for (const s of services)
            expect(['dynamodb', 'execute-api', 'sqs', 'sts', 'xray'], `${file} ${s}`).toContain(s);
        } else
          expect(propsOf(fn.resource)['VpcConfig'], fn.logicalId).toMatchObject({
            SubnetIds: expect.any(Array),
          });
      }
    }
    const network = byo.template(byo.stacks.sandbox);
    for (const type of [
      'AWS::EC2::InternetGateway',
      'AWS::EC2::NatGateway',
      'AWS::EC2::EgressOnlyInternetGateway',
    ])
      network.resourceCountIs(type, 0);
    network.resourceCountIs('AWS::EC2::Route', 0);
    for (const service of ['.dynamodb', '.s3'])
      network.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([service])]) }),
      });
    for (const service of ['.bedrock-runtime', '.states', '.ecs', '.sqs', '.sts', '.secretsmanager'])
      network.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([service])]) }),
      });
  });

  it('routes DynamoDB only from the functions subnets: the sandbox subnets have no path to the table', () => {
    const network = byo.template(byo.stacks.sandbox);
    const endpoints = Object.values(network.findResources('AWS::EC2::VPCEndpoint')).filter((e) =>
      JSON.stringify(propsOf(e)['ServiceName']).includes('.dynamodb'),
    );
    expect(endpoints).toHaveLength(1);
    const routeTables = JSON.stringify(propsOf(endpoints[0]!)['RouteTableIds']);
    expect(routeTables).toContain('Functions');
    expect(routeTables).not.toContain('Sandbox');
  });

  it("gives the sandbox subnets an S3 endpoint limited to the runner's prefix; the functions' own one reaches the artifacts bucket only", () => {
    const network = byo.template(byo.stacks.sandbox);
    const s3 = Object.values(network.findResources('AWS::EC2::VPCEndpoint')).filter((e) =>
      // `.s3` itself, not `.s3vectors` (the team memory's interface endpoint).
      /\.s3"/.test(JSON.stringify(propsOf(e)['ServiceName'])),
    );
    expect(s3).toHaveLength(2);
    const routedFrom = (e: Record<string, unknown>) => JSON.stringify(propsOf(e)['RouteTableIds']);
    const sandboxS3 = s3.find((e) => routedFrom(e).includes('Sandbox'))!;
    const functionsS3 = s3.find((e) => routedFrom(e).includes('Functions'))!;
    expect(routedFrom(sandboxS3)).not.toContain('Functions');
    expect(routedFrom(functionsS3)).not.toContain('Sandbox');
    const sandboxPolicy = JSON.stringify(propsOf(sandboxS3)['PolicyDocument']);
    expect(sandboxPolicy).toContain('/sandbox/*');
    expect(sandboxPolicy).toContain('starport-layer-bucket');
    expect(sandboxPolicy).not.toContain('s3:*');
    const functionsPolicy = JSON.stringify(propsOf(functionsS3)['PolicyDocument']);
    expect(functionsPolicy).toMatch(/ArtifactsBucket|Artifacts/);
    expect(functionsPolicy).not.toContain('starport');
  });

  it('lets the functions out on HTTPS only', () => {
    const network = byo.template(byo.stacks.sandbox);
    const groups = network.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('^byo functions') },
    });
    const [group] = Object.values(groups);
    expect(propsOf(group!)['SecurityGroupEgress']).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
  });
});

/** The interface endpoints' services (`ecs-agent`, `sqs`, …) in a template. */
function interfaceServices(t: Template): string[] {
  return Object.values(t.findResources('AWS::EC2::VPCEndpoint'))
    .filter((e) => propsOf(e)['VpcEndpointType'] === 'Interface')
    .map((e) => /\.([a-z0-9.-]+)"\]\]\}$/.exec(JSON.stringify(propsOf(e)['ServiceName']))?.[1] ?? '?')
    .sort();
}

describe('ec2-gvisor sandbox tier', () => {
  let gvisor: SynthesizedApp;
  let sandbox: Template;
  beforeAll(() => {
    gvisor = synthTechteam(
      { mode: 'hosted', sandbox: 'ec2-gvisor' },
      { authorizer: () => new HttpIamAuthorizer() },
    );
    sandbox = gvisor.template(gvisor.stacks.sandbox);
  });

  it('passes cdk-nag with every acknowledgement reasoned', () => {
    expect(gvisor.nag.violations.filter((v) => v.severity === 'error')).toEqual([]);
    for (const s of gvisor.nag.suppressed) expect(s.reason, s.acknowledgedId).toMatch(/\w+ \w+ \w+ \w+ \w+/);
  });

  it('serves the live WebSocket API: its routes, the token authorizer, the fan-out stream mapping, the config URL', () => {
    expectLiveApi(gvisor);
  });

  it('has an EC2 capacity provider with managed scaling on the isolated subnets', () => {
    sandbox.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({ ManagedScaling: Match.objectLike({ Status: 'ENABLED' }) }),
    });
    sandbox.resourceCountIs('AWS::EC2::InternetGateway', 0);
    sandbox.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('places one runner per host, keeps one host warm, and never scales in a host that holds a runner', () => {
    const [asg] = Object.values(sandbox.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(propsOf(asg!)).toMatchObject({
      MinSize: String(GVISOR_HOSTS.warmHosts),
      MaxSize: String(GVISOR_HOSTS.maxHosts),
      NewInstancesProtectedFromScaleIn: true,
    });
    sandbox.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({ ManagedTerminationProtection: 'ENABLED' }),
    });
    // The runner's memory fits the instance's (4 GiB, ~3.7 GiB for tasks) only once: two runs'
    // privileged runners never share a host.
    expect(GVISOR_HOSTS.runnersPerHost).toBe(1);
    expect(GVISOR_HOSTS.runnerMemoryMiB * 2).toBeGreaterThan(3_700);
    sandbox.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Memory: GVISOR_HOSTS.runnerMemoryMiB })],
    });
  });

  it('has no shared pool: no ECS service, no job queue, no queue-depth scaling', () => {
    sandbox.resourceCountIs('AWS::ECS::Service', 0);
    sandbox.resourceCountIs('AWS::SQS::Queue', 0);
    sandbox.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });

  it('lets the hosts in the closed VPC join the cluster: ecs, ecs-agent and ecs-telemetry endpoints (and sts for the run role)', () => {
    expect(interfaceServices(sandbox)).toEqual(
      ['ecr.api', 'ecr.dkr', 'ecs', 'ecs-agent', 'ecs-telemetry', 'logs', 'sqs', 'sts'].sort(),
    );
  });

  it("keeps the runners away from the hosts' instance metadata: IMDSv2 only, one hop, awsvpc tasks blocked", () => {
    const [template] = Object.values(sandbox.findResources('AWS::EC2::LaunchTemplate'));
    const data = propsOf(template!)['LaunchTemplateData'] as Record<string, unknown>;
    expect(data['MetadataOptions']).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(JSON.stringify(data['UserData'])).toContain('ECS_AWSVPC_BLOCK_IMDS=true');
  });

  it("installs runsc on the hosts from the runner image and registers it as Docker's runsc runtime", () => {
    const [template] = Object.values(sandbox.findResources('AWS::EC2::LaunchTemplate'));
    const userData = JSON.stringify(
      (propsOf(template!)['LaunchTemplateData'] as Record<string, unknown>)['UserData'],
    );
    expect(userData).toContain('/usr/local/bin/runsc install');
    expect(userData).toContain('systemctl restart docker');
    expect(userData).toContain('ECS_CLUSTER=');
  });

  it('runs jobs under gVisor in a privileged runner of a literal family, told its run role, bucket and prefix', () => {
    sandbox.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: `${gvisor.stacks.sandbox.stackName}-runner`,
      RequiresCompatibilities: ['EC2'],
      NetworkMode: 'awsvpc',
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'runner',
          Privileged: true,
          Environment: Match.arrayWith([
            { Name: 'SANDBOX_ISOLATION', Value: 'gvisor' },
            Match.objectLike({ Name: 'SANDBOX_RUN_ROLE_ARN' }),
            Match.objectLike({ Name: 'SANDBOX_BUCKET' }),
            { Name: 'SANDBOX_PREFIX', Value: 'sandbox' },
          ]),
        }),
      ],
    });
    // The queue is the run's, given per task by RunTask: never one shared by every run.
    const [def] = Object.values(sandbox.findResources('AWS::ECS::TaskDefinition')).map(propsOf);
    expect(JSON.stringify(def)).not.toContain('SANDBOX_QUEUE_URL');
  });

  it("the runner task role only assumes the run role; the run role reaches only the tagged run's objects and queue", () => {
    const templates = templatesOf(gvisor);
    const roleId = (description: string) =>
      Object.keys(
        sandbox.findResources('AWS::IAM::Role', {
          Properties: { Description: Match.stringLikeRegexp(description) },
        }),
      )[0]!;
    const taskRoleId = roleId('^Sandbox runner');
    const runRoleId = roleId('^Sandbox run:');
    const task = statementsOfRole(templates, taskRoleId);
    expect([...actionsOf(task)].sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    for (const st of task) expect(st['Resource']).toEqual({ 'Fn::GetAtt': [runRoleId, 'Arn'] });
    const run = statementsOfRole(templates, runRoleId);
    expect(run.length).toBeGreaterThan(0);
    for (const st of run) expect(JSON.stringify(st['Resource'])).toContain(RUN_TAG_VARIABLE);
    expect(JSON.stringify(run)).not.toMatch(/dynamodb|Table/);
  });

  it("the code-running states and the run boundaries start, find and end a run's runner on the gVisor capacity provider", () => {
    const templates = templatesOf(gvisor);
    const workflow = gvisor.template(gvisor.stacks.workflow);
    for (const file of ['workflow/dev-attempt.ts', 'workflow/start-run.ts', 'workflow/finalize-task.ts']) {
      const fn = functionsByHandler(workflow).get(file)!;
      const env = (propsOf(fn.resource)['Environment'] as { Variables: Record<string, unknown> }).Variables;
      expect(env[AWS_SANDBOX_ENV.tier], file).toBe('ec2-gvisor');
      expect(env[AWS_SANDBOX_ENV.capacityProvider], file).toBeDefined();
      expect(env[AWS_SANDBOX_ENV.taskDefinition], file).toBe(`${gvisor.stacks.sandbox.stackName}-runner`);
      const actions = actionsOf(statementsOfRole(templates, roleOfFunction(fn.resource)));
      for (const action of ['ecs:RunTask', 'ecs:StopTask', 'sqs:CreateQueue', 'sqs:DeleteQueue'])
        expect(actions.has(action), `${file} ${action}`).toBe(true);
    }
    const dev = functionsByHandler(workflow).get('workflow/dev-attempt.ts')!;
    expect(actionsOf(statementsOfRole(templates, roleOfFunction(dev.resource))).has('sqs:SendMessage')).toBe(
      true,
    );
  });

  it('puts the authorizer from the slot on every route but the signature-verified webhook and the public config', () => {
    const api = gvisor.template(gvisor.stacks.api);
    const [httpApi] = Object.keys(
      api.findResources('AWS::ApiGatewayV2::Api', { Properties: { ProtocolType: 'HTTP' } }),
    );
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route')).filter(
      (r) => JSON.stringify(propsOf(r)['ApiId']) === JSON.stringify({ Ref: httpApi }),
    );
    expect(routes).toHaveLength(API_ROUTES.length);
    const signed = new Set(
      API_ROUTES.filter((r) => r.auth !== undefined).map((r) => `${r.method} ${r.path}`),
    );
    expect(signed).toEqual(new Set(['POST /v1/billing/webhook', 'GET /v1/config']));
    for (const route of routes) {
      const key = propsOf(route)['RouteKey'] as string;
      expect(propsOf(route)['AuthorizationType'], key).toBe(signed.has(key) ? 'NONE' : 'AWS_IAM');
    }
  });
});

describe('byo + ec2-gvisor, in zones chosen by npm run zones, with more hosts and none warm', () => {
  let both: SynthesizedApp;
  const availabilityZones = ['eu-central-1b', 'eu-central-1c'];
  beforeAll(() => {
    both = synthTechteam({
      mode: 'byo',
      sandbox: 'ec2-gvisor',
      availabilityZones,
      dashboardOrigin: 'https://app.example.com',
      apiGatewayAccountRole: 'create',
      gvisorHosts: { max: 20, warm: 0 },
    });
  });

  it('runs as many gVisor hosts as the context allows (-c gvisorMaxHosts=20 -c gvisorWarmHosts=0), none when idle', () => {
    const sandbox = both.template(both.stacks.sandbox);
    const [asg] = Object.values(sandbox.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(propsOf(asg!)).toMatchObject({ MinSize: '0', MaxSize: '20' });
  });

  it("sets the region's API Gateway CloudWatch role only when asked (-c apiGatewayAccountRole=create)", () => {
    both
      .template(both.stacks.api)
      .hasResourceProperties('AWS::ApiGateway::Account', { CloudWatchRoleArn: Match.anyValue() });
  });

  it("admits the dashboard's origin, and only it, in the API's CORS policy", () => {
    both.template(both.stacks.api).hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: ['https://app.example.com'],
        AllowCredentials: false,
        AllowHeaders: ['authorization', 'content-type'],
      }),
    });
  });

  it('puts every subnet in the chosen zones', () => {
    const subnets = Object.values(both.template(both.stacks.sandbox).findResources('AWS::EC2::Subnet'));
    expect(subnets).toHaveLength(4);
    expect(new Set(subnets.map((s) => propsOf(s)['AvailabilityZone']))).toEqual(new Set(availabilityZones));
  });

  it('passes cdk-nag with every acknowledgement reasoned', () => {
    expect(both.nag.violations.filter((v) => v.severity === 'error')).toEqual([]);
    for (const s of both.nag.suppressed) expect(s.reason, s.acknowledgedId).toMatch(/\w+ \w+ \w+ \w+ \w+/);
  });

  it('serves the live WebSocket API: its routes, the token authorizer, the fan-out stream mapping, the config URL', () => {
    expectLiveApi(both);
  });

  it('holds the Bedrock endpoint to callers of this account (models belong to no account)', () => {
    const bedrock = Object.values(
      both.template(both.stacks.sandbox).findResources('AWS::EC2::VPCEndpoint'),
    ).find((e) => JSON.stringify(propsOf(e)['ServiceName']).includes('bedrock-runtime'))!;
    const [statement] = (propsOf(bedrock)['PolicyDocument'] as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statement?.['Condition']).toEqual({
      StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
    });
  });

  it('has one endpoint per service the functions and the hosts call, ecs only once', () => {
    expect(interfaceServices(both.template(both.stacks.sandbox))).toEqual(
      [
        'bedrock-runtime',
        'ecr.api',
        'ecr.dkr',
        'ecs',
        'ecs-agent',
        'ecs-telemetry',
        'logs',
        's3vectors',
        'secretsmanager',
        'sqs',
        'states',
        'sts',
      ].sort(),
    );
  });
});
