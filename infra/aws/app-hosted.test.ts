/**
 * The hosted app with the default Fargate sandbox, synthesized once: each
 * stack's resources, each function's grants, and cdk-nag's verdict.
 */

import { LIVE_LAMBDAS, ROUTE_LAMBDAS } from '@techteam/functions/manifest';
import { API_ROUTES, LIVE_FUNCTIONS, LIVE_ROUTES, WORKFLOW_HANDLERS } from '@techteam/functions/routes';
import {
  FAN_OUT_BATCH_SIZE,
  FAN_OUT_RETRY_ATTEMPTS,
  LIVE_STREAM_FILTERS,
  POST_CONCURRENCY,
} from '@techteam/shared/live';
import { TITAN_EMBEDDING_MODEL } from '@techteam/shared/memory';
import { AWS_SANDBOX_ENV } from '@techteam/shared/sandbox/aws';
import { TTL_ATTRIBUTE, tableDefinition } from '@techteam/shared/store';
import { substituteDefinition, TASK_STATES, type TaskStateName } from '@techteam/shared/workflow';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaHandlers } from './bundling';
import { LIVE_STAGE } from './constructs/live-api';
import { RUN_TAG_VARIABLE } from './constructs/sandbox/runner-roles';
import { QUEUE_LAMBDAS, readsProviderKeys, writesChunks } from './function-access';
import { PROVIDER_KEY_NAMES } from './stacks/secrets-stack';
import { OBJECT_ACTIONS, TABLE_ACTIONS } from './stacks/workflow-stack';
import { SYSTEM_PARTITIONS, TENANT_SERVING } from './tenant-access';
import { ADMITTED_TAG } from './tenant-data-role';
import {
  actionsOf,
  functionsByHandler,
  roleOfFunction,
  type SynthesizedApp,
  statementsOfRole,
  synthTechteam,
} from './testing/synth';

let synth: SynthesizedApp;
let t: Record<'data' | 'secrets' | 'sandbox' | 'workflow' | 'api', Template>;

beforeAll(() => {
  synth = synthTechteam({ mode: 'hosted', sandbox: 'fargate' });
  const { data, secrets, sandbox, workflow, api } = synth.stacks;
  t = {
    data: synth.template(data),
    secrets: synth.template(secrets!),
    sandbox: synth.template(sandbox),
    workflow: synth.template(workflow),
    api: synth.template(api),
  };
});

const all = () => Object.values(t);
const STREAM_ACTIONS = [
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
];
const apiIdOf = (protocol: 'HTTP' | 'WEBSOCKET') =>
  Object.keys(t.api.findResources('AWS::ApiGatewayV2::Api', { Properties: { ProtocolType: protocol } }))[0];
/** The API stack's resources of a type that belong to one of its two APIs. */
const ofApi = (type: string, protocol: 'HTTP' | 'WEBSOCKET') =>
  Object.fromEntries(
    Object.entries(t.api.findResources(type)).filter(
      ([, r]) => JSON.stringify(propsOf(r)['ApiId']) === JSON.stringify({ Ref: apiIdOf(protocol) }),
    ),
  );
const propsOf = (r: Record<string, unknown>) => r['Properties'] as Record<string, unknown>;
const lambdas = () => new Map([...functionsByHandler(t.api), ...functionsByHandler(t.workflow)]);
const envOf = (fn: { resource: Record<string, unknown> }) =>
  ((fn.resource['Properties'] as { Environment?: { Variables?: Record<string, unknown> } }).Environment
    ?.Variables ?? {}) as Record<string, unknown>;
/** A function's actions but for those held to the tenants' rate buckets (`RATE#*` partitions) by their condition. */
const outsideRateBuckets = (file: string) => {
  const fn = lambdas().get(file)!;
  const onlyRateBuckets = (s: Record<string, unknown>) =>
    JSON.stringify(s['Condition'] ?? {}) ===
    JSON.stringify({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['RATE#*'] } });
  return actionsOf(statementsOfRole(all(), roleOfFunction(fn.resource)).filter((s) => !onlyRateBuckets(s)));
};
const actionsOfHandler = (file: string) => {
  const fn = lambdas().get(file);
  if (!fn) throw new Error(`no function for ${file}`);
  return actionsOf(statementsOfRole(all(), roleOfFunction(fn.resource)));
};

describe('cdk-nag (AwsSolutions)', () => {
  it('leaves no error unacknowledged', () => {
    expect(synth.nag.violations.filter((v) => v.severity === 'error')).toEqual([]);
  });

  it('gives every acknowledgement a specific reason', () => {
    expect(synth.nag.suppressed.length).toBeGreaterThan(0);
    for (const s of synth.nag.suppressed) {
      expect(s.reason, s.acknowledgedId).toMatch(/\w+ \w+ \w+ \w+ \w+/);
    }
  });

  it('acknowledges IAM wildcards only by their named kind, never the whole rule', () => {
    const ids = new Set(synth.nag.suppressed.map((s) => s.acknowledgedId));
    expect(ids.has('AwsSolutions::AwsSolutions-IAM5')).toBe(false);
    for (const id of ids) if (id?.includes('IAM5')) expect(id).toMatch(/IAM5\[[A-Za-z0-9]+\]$/);
  });
});

describe('synth without Docker', () => {
  it('never calls docker: the runner image is built at deploy, Lambdas bundle with local esbuild', () => {
    expect(synth.dockerCalled).toBe(false);
  });
});

describe('data stack', () => {
  it('creates the single table exactly as shared/store/table.ts defines it', () => {
    const def = tableDefinition('techteam');
    const [table] = Object.values(t.data.findResources('AWS::DynamoDB::Table'));
    const p = table!['Properties'] as Record<string, unknown>;
    expect(p['KeySchema']).toEqual(def.KeySchema);
    expect(new Set(p['AttributeDefinitions'] as unknown[])).toEqual(new Set(def.AttributeDefinitions));
    expect(p['GlobalSecondaryIndexes']).toEqual(def.GlobalSecondaryIndexes);
    expect(p['StreamSpecification']).toEqual({ StreamViewType: def.StreamSpecification?.StreamViewType });
    expect(p['BillingMode']).toBe('PAY_PER_REQUEST');
  });

  it('keeps point-in-time recovery and expires items by the TTL attribute', () => {
    t.data.hasResourceProperties('AWS::DynamoDB::Table', {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it('keeps the artifacts bucket private, encrypted, TLS-only and access-logged', () => {
    t.data.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.objectLike({}),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'artifacts/' }),
    });
    t.data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('workflow stack', () => {
  it("deploys the shared ASL: the definition after substitution equals substituteDefinition's", () => {
    const [machine] = Object.values(t.workflow.findResources('AWS::StepFunctions::StateMachine'));
    const p = machine!['Properties'] as {
      DefinitionString: string;
      DefinitionSubstitutions: Record<string, { 'Fn::GetAtt': [string, string] }>;
    };
    expect(typeof p.DefinitionString).toBe('string');
    expect(Object.keys(p.DefinitionSubstitutions).sort()).toEqual(Object.values(TASK_STATES).sort());
    // Each substitution must point at the Lambda whose handler serves that state.
    const byLogicalId = new Map([...functionsByHandler(t.workflow)].map(([file, f]) => [f.logicalId, file]));
    const arns: Record<string, string> = {};
    for (const [state, variable] of Object.entries(TASK_STATES) as [TaskStateName, string][]) {
      const logicalId = p.DefinitionSubstitutions[variable]!['Fn::GetAtt'][0];
      expect(byLogicalId.get(logicalId), variable).toBe(WORKFLOW_HANDLERS[state]);
      arns[variable] = `arn:aws:lambda:eu-west-1:123456789012:function:${logicalId}`;
    }
    // What Step Functions does with DefinitionSubstitutions: replace each ${Name}.
    const deployed = p.DefinitionString.replace(
      /\$\{(\w+)\}/g,
      (_, name: string) => arns[name] ?? `<${name}?>`,
    );
    expect(JSON.parse(deployed)).toEqual(substituteDefinition(arns));
  });

  it('logs every execution event and traces with X-Ray', () => {
    t.workflow.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('lets the state machine invoke exactly the eleven task functions', () => {
    const [machine] = Object.values(t.workflow.findResources('AWS::StepFunctions::StateMachine'));
    const role = (machine!['Properties'] as { RoleArn: { 'Fn::GetAtt': [string] } }).RoleArn['Fn::GetAtt'][0];
    const invoke = statementsOfRole([t.workflow], role).filter(
      (s) => s['Action'] === 'lambda:InvokeFunction',
    );
    const targets = new Set(
      invoke
        .flatMap((s) => [s['Resource']].flat())
        .map((r) => JSON.stringify(r).match(/"(\w+Function\w+)"/)?.[1]),
    );
    const taskStateFiles = new Set<string>(Object.values(WORKFLOW_HANDLERS));
    const workflowFns = [...functionsByHandler(t.workflow)]
      .filter(([file]) => taskStateFiles.has(file))
      .map(([, f]) => f.logicalId);
    expect(targets).toEqual(new Set(workflowFns));
    expect(workflowFns).toHaveLength(Object.keys(WORKFLOW_HANDLERS).length);
  });
});

describe('execution reconciler', () => {
  it('is the target of a rule for failed, timed-out and aborted executions of this state machine only', () => {
    const reconciler = functionsByHandler(t.workflow).get('workflow/reconcile-execution.ts');
    expect(reconciler).toBeDefined();
    const [machineId] = Object.keys(t.workflow.findResources('AWS::StepFunctions::StateMachine'));
    t.workflow.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [{ Ref: machineId }] },
      },
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [reconciler!.logicalId, 'Arn'] } })],
    });
    t.workflow.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [reconciler!.logicalId, 'Arn'] },
    });
  });

  it('may act as the tenant its event names and stop a run’s runner and queue, and nothing else: no table of its own, no models, workspaces or Step Functions', () => {
    const actions = [...actionsOfHandler('workflow/reconcile-execution.ts')];
    expect(actions).toEqual(
      expect.arrayContaining(['sts:AssumeRole', 'sts:TagSession', 'ecs:StopTask', 'sqs:DeleteQueue']),
    );
    // The tenant comes from the execution's input in the event itself: no DescribeExecution, no table grant.
    expect(actions.filter((a) => /^(bedrock|states|secretsmanager|s3|dynamodb):/.test(a))).toEqual([]);
    // It ends runs, never starts one.
    for (const start of ['ecs:RunTask', 'iam:PassRole', 'ecs:TagResource', 'sqs:CreateQueue'])
      expect(actions, start).not.toContain(start);
  });
});

describe('functions', () => {
  it('has one arm64 Node 24 function per handler in functions/routes.ts', () => {
    expect([...lambdas().keys()].sort()).toEqual(
      lambdaHandlers()
        .map((h) => h.file)
        .sort(),
    );
    for (const fn of lambdas().values()) {
      expect(fn.resource['Properties']).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('sets the runtime contract and leaves AWS_REGION to Lambda', () => {
    for (const [file, fn] of lambdas()) {
      const env = envOf(fn);
      expect(env, file).toMatchObject({
        TECHTEAM_MODE: 'hosted',
        POWERTOOLS_SERVICE_NAME: 'techteam',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        BEDROCK_REGION: { Ref: 'AWS::Region' },
      });
      expect(env, file).not.toHaveProperty('AWS_REGION');
    }
    expect(envOf(lambdas().get('api/create-task.ts')!)).toHaveProperty('TECHTEAM_STATE_MACHINE_ARN');
    expect(envOf(lambdas().get('api/get-task.ts')!)).toHaveProperty('TECHTEAM_TABLE');
    expect(envOf(lambdas().get('api/get-task.ts')!)).not.toHaveProperty('TECHTEAM_STATE_MACHINE_ARN');
  });

  it('maps provider key names to secret ARNs only for the functions that reach the gateway', () => {
    for (const h of lambdaHandlers()) {
      const env = envOf(lambdas().get(h.file)!);
      if (!readsProviderKeys(h.access)) {
        expect(env, h.file).not.toHaveProperty('TECHTEAM_PROVIDER_SECRETS');
        continue;
      }
      const json = JSON.stringify(env['TECHTEAM_PROVIDER_SECRETS']);
      for (const name of PROVIDER_KEY_NAMES) expect(json, h.file).toContain(`\\"${name}\\":\\"`);
    }
  });

  it('gives the sandbox variables only to the functions that run code or start and end runs', () => {
    const usesSandbox = [
      'workflow/run-employee.ts',
      'workflow/dev-attempt.ts',
      'workflow/qa-review.ts',
      'workflow/start-run.ts',
      'workflow/finalize-task.ts',
      'workflow/mark-task-failed.ts',
      'api/cancel-task.ts',
      'workflow/reconcile-execution.ts',
    ];
    for (const [file, fn] of lambdas()) {
      const env = envOf(fn);
      if (usesSandbox.includes(file)) {
        expect(env, file).toMatchObject({
          [AWS_SANDBOX_ENV.tier]: 'fargate',
          [AWS_SANDBOX_ENV.prefix]: 'sandbox',
          [AWS_SANDBOX_ENV.containerName]: 'runner',
        });
        for (const key of [AWS_SANDBOX_ENV.cluster, AWS_SANDBOX_ENV.subnets, AWS_SANDBOX_ENV.securityGroups])
          expect(env, file).toHaveProperty(key);
      } else {
        expect(
          Object.keys(env).filter((k) => k.startsWith('TECHTEAM_SANDBOX_')),
          file,
        ).toEqual([]);
      }
    }
  });
});

describe('tenant isolation: what a function acting for tenants can touch', () => {
  const tenantRoleId = () => {
    const roles = Object.entries(t.data.findResources('AWS::IAM::Role')).filter(([id]) =>
      id.startsWith('TenantDataRole'),
    );
    expect(roles).toHaveLength(1);
    return roles[0]![0];
  };
  /** A function's grants on the table's items (the fan-out's stream read, on the stream alone, is not one). */
  const dynamoStatements = (file: string) =>
    statementsOfRole(all(), roleOfFunction(lambdas().get(file)!.resource)).filter((st) =>
      [st['Action']]
        .flat()
        .some((a) => String(a).startsWith('dynamodb:') && !STREAM_ACTIONS.includes(String(a))),
    );
  const leadingKeysOf = (st: Record<string, unknown>) =>
    (st['Condition'] as Record<string, Record<string, unknown>> | undefined)?.['ForAllValues:StringLike']?.[
      'dynamodb:LeadingKeys'
    ];
  const serving = () =>
    lambdaHandlers().filter((h) => TENANT_SERVING.has(h.name) && h.access.table !== 'none');

  it('covers every tenant-authorized route that touches the table, every workflow state, both authorizers, the live functions, billing, the reconciler and ingestion', () => {
    const names = serving().map((h) => h.name);
    for (const route of ROUTE_LAMBDAS)
      if (route.access.table !== 'none' && route.auth !== 'signature') expect(names).toContain(route.name);
    for (const state of Object.keys(WORKFLOW_HANDLERS)) expect(names).toContain(state);
    expect(names).toContain('Authorizer');
    // Stripe's webhook (no tenant authorizer: the event's customer names the tenant) and the usage reporter.
    expect(names).toContain('StripeWebhook');
    expect(names).toContain('ReportUsage');
    // EventBridge's event carries the execution's input (its tenant); each SQS message names its tenant.
    expect(names).toContain('ReconcileExecution');
    expect(names).toContain('IngestDocument');
    expect(TENANT_SERVING.get('ReconcileExecution')).toEqual([]);
    expect(TENANT_SERVING.get('IngestDocument')).toEqual([]);
    for (const live of Object.values(LIVE_LAMBDAS)) expect(names).toContain(live.name);
  });

  it('holds the live functions to their tenants: no table grant but the WebSocket authorizer’s API keys, admitted to the tenant data role', () => {
    for (const live of Object.values(LIVE_LAMBDAS)) {
      const fn = lambdas().get(live.file)!;
      const statements = dynamoStatements(live.file);
      // Only the authorizer finds a key by its id alone (APIKEY#…); every live item is under T#<tenant>….
      expect(statements.map(leadingKeysOf), live.name).toEqual(
        live.kind === 'socketAuthorizer' ? [SYSTEM_PARTITIONS.apiKeys.leadingKeys] : [],
      );
      expect(envOf(fn)['TECHTEAM_TENANT_ACCESS'], live.name).toBe('readWrite');
      expect(JSON.stringify(envOf(fn)['TECHTEAM_TENANT_ROLE_ARN']), live.name).toContain(tenantRoleId());
      const role = t.api.findResources('AWS::IAM::Role')[roleOfFunction(fn.resource)];
      expect(propsOf(role!)['Tags'], live.name).toContainEqual({
        Key: ADMITTED_TAG.key,
        Value: ADMITTED_TAG.value,
      });
    }
    // The fan-out still reads every tenant's stream records: on the table's stream, never its items.
    const stream = statementsOfRole(
      all(),
      roleOfFunction(lambdas().get(LIVE_FUNCTIONS.fanOut)!.resource),
    ).filter((st) => [st['Action']].flat().some((a) => STREAM_ACTIONS.includes(String(a))));
    expect(stream.length).toBeGreaterThan(0);
    for (const st of stream) {
      const resource = JSON.stringify(st['Resource']);
      if ([st['Action']].flat().every((a) => a === 'dynamodb:ListStreams')) expect(resource).toBe('"*"');
      else expect(resource).toMatch(/StreamArn/);
    }
  });

  it('gives no tenant-serving function a table grant without a LeadingKeys condition, and only its system partitions', () => {
    for (const h of serving()) {
      const statements = dynamoStatements(h.file);
      const allowed = (TENANT_SERVING.get(h.name) ?? []).map((p) => SYSTEM_PARTITIONS[p].leadingKeys);
      expect(statements.length, h.name).toBe(allowed.length);
      for (const st of statements) {
        expect(leadingKeysOf(st), h.name).toBeDefined();
        expect(allowed, h.name).toContainEqual(leadingKeysOf(st));
        // Never a tenant's partition (T#…): those are the tenant data role's alone.
        expect(JSON.stringify(leadingKeysOf(st)), h.name).not.toContain('T#');
        // An index only where the partition is an index's (the billing accounts' listing), and that one by name.
        const partition = (TENANT_SERVING.get(h.name) ?? []).find(
          (p) => JSON.stringify(SYSTEM_PARTITIONS[p].leadingKeys) === JSON.stringify(leadingKeysOf(st)),
        );
        const index = partition && SYSTEM_PARTITIONS[partition].index;
        const resource = JSON.stringify(st['Resource']);
        if (index) expect(resource, h.name).toMatch(new RegExp(`/index/${index}"`));
        else expect(resource, h.name).not.toContain('/index/');
        expect(resource, h.name).not.toContain('*');
      }
    }
  });

  it('lets each tenant-serving function assume the tenant data role only, with a tenant tag, and names it', () => {
    for (const h of serving()) {
      const fn = lambdas().get(h.file)!;
      const assume = statementsOfRole(all(), roleOfFunction(fn.resource)).filter((st) =>
        [st['Action']].flat().some((a) => String(a).startsWith('sts:')),
      );
      expect(assume, h.name).toHaveLength(1);
      expect(assume[0], h.name).toMatchObject({
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: { StringLike: { 'aws:RequestTag/tenant': '?*' } },
      });
      expect(JSON.stringify(assume[0]!['Resource']), h.name).toContain(tenantRoleId());
      expect(JSON.stringify(envOf(fn)['TECHTEAM_TENANT_ROLE_ARN']), h.name).toContain(tenantRoleId());
      expect(envOf(fn)['TECHTEAM_TENANT_ACCESS'], h.name).toBe(h.access.table);
    }
  });

  it("the tenant data role's trust admits exactly the tenant-serving functions' roles (by the tag only they carry)", () => {
    const role = t.data.findResources('AWS::IAM::Role')[tenantRoleId()];
    const trust = (propsOf(role!)['AssumeRolePolicyDocument'] as { Statement: Record<string, unknown>[] })
      .Statement;
    for (const st of trust)
      expect(st['Condition'], String(st['Action'])).toMatchObject({
        StringEquals: { [`aws:PrincipalTag/${ADMITTED_TAG.key}`]: ADMITTED_TAG.value },
      });
    const tagged = new Set<string>();
    for (const template of all())
      for (const [id, r] of Object.entries(template.findResources('AWS::IAM::Role')))
        if (JSON.stringify(propsOf(r)['Tags'] ?? []).includes(ADMITTED_TAG.key)) tagged.add(id);
    const servingRoles = new Set(serving().map((h) => roleOfFunction(lambdas().get(h.file)!.resource)));
    expect(tagged).toEqual(servingRoles);
  });

  it('leaves no function a whole-table grant: every table statement names its partitions', () => {
    const unconditioned = lambdaHandlers()
      .filter((h) => dynamoStatements(h.file).some((st) => leadingKeysOf(st) === undefined))
      .map((h) => h.name);
    expect(unconditioned).toEqual([]);
  });
});

describe('grants: each function has only what its handler uses', () => {
  const writes = [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ];
  const services = (actions: Set<string>) => new Set([...actions].map((a) => a.split(':')[0]));

  it("every function's policy names exactly the services its access entry (function-access.ts) grants", () => {
    for (const h of lambdaHandlers()) {
      const { access } = h;
      // Every function writes its X-Ray trace segments (active tracing).
      const expected = new Set<string>(['xray']);
      // A function acting for tenants reaches their data by assuming the tenant data role (sts),
      // and the table itself only where it has system partitions of its own (tenant-access.ts).
      const tenantServing = TENANT_SERVING.get(h.name);
      if (tenantServing) expected.add('sts');
      // The fan-out's stream read is its own (on the stream, not the items).
      if (access.table !== 'none' && (!tenantServing || tenantServing.length > 0 || access.tableStream))
        expected.add('dynamodb');
      if (access.execution) expected.add('states');
      if (access.models) expected.add('bedrock');
      if (readsProviderKeys(access) || access.apiKeyPepper || access.stripeKeys)
        expected.add('secretsmanager');
      if ((access.workspace && !tenantServing) || access.sandbox) expected.add('s3');
      if (access.sandbox || access.sandboxRunners)
        for (const service of ['sqs', 'ecs']) expected.add(service);
      // Memory (infra/aws/memory.ts): the Pinecone key, the OpenAI key (hosted embeds with OpenAI, not
      // Titan), the ingestion queue (sent to, or read from).
      if (access.memory) expected.add('secretsmanager');
      if (access.memory?.enqueue || QUEUE_LAMBDAS.some((q) => q.name === h.name)) expected.add('sqs');
      if (access.liveConnections) expected.add('execute-api');
      // The stream mapping's failed batches go to its dead-letter queue, under the function's role.
      if (access.tableStream) expected.add('sqs');
      // Passing the runner's roles (iam) is for starting runners; the reconciler only ends them.
      if ((access.sandbox || access.sandboxRunners) && h.name !== 'ReconcileExecution') expected.add('iam');
      const actions = actionsOfHandler(h.file);
      expect(services(actions), h.name).toEqual(expected);
      if (access.table === 'read')
        for (const w of writes) expect(outsideRateBuckets(h.file).has(w), `${h.name} ${w}`).toBe(false);
    }
  });

  it('grants only the table and object actions the code calls: no scans, batches, deletes of objects or retention', () => {
    const allowedObjects = new Set<string>([...OBJECT_ACTIONS, 's3:ListBucket']);
    for (const h of lambdaHandlers()) {
      const allowedTable = new Set<string>([
        ...TABLE_ACTIONS.read,
        ...TABLE_ACTIONS.write,
        // The live items go two or more at a time; the fan-out reads the stream.
        ...(h.access.liveItems ? ['dynamodb:BatchWriteItem'] : []),
        // Memory's chunk items go 25 at a time (function-access.ts writesChunks).
        ...(writesChunks(h.access) ? ['dynamodb:BatchWriteItem'] : []),
        ...(h.access.tableStream ? STREAM_ACTIONS : []),
      ]);
      const actions = [...actionsOfHandler(h.file)];
      for (const a of actions.filter((x) => x.startsWith('dynamodb:')))
        expect(allowedTable.has(a), `${h.name} ${a}`).toBe(true);
      for (const a of actions.filter((x) => x.startsWith('s3:')))
        expect(allowedObjects.has(a), `${h.name} ${a}`).toBe(true);
      expect(
        actions.some((a) => a.includes('*')),
        `${h.name} ${actions.filter((a) => a.includes('*'))}`,
      ).toBe(false);
    }
  });

  it("GET routes read their tenant's data through read-only sessions and write only their tenant's rate bucket", () => {
    // The samples and the API's description are compiled in: they touch no table.
    const tableless = new Set(ROUTE_LAMBDAS.filter((r) => r.access.table === 'none').map((r) => r.name));
    expect([...tableless].sort()).toEqual(['GetOpenApi', 'ListSamples']);
    for (const route of API_ROUTES.filter((r) => r.method === 'GET' && !tableless.has(r.name))) {
      const fn = lambdas().get(route.file)!;
      expect(envOf(fn)['TECHTEAM_TENANT_ACCESS'], route.name).toBe('read');
      expect(actionsOfHandler(route.file).has('sts:AssumeRole'), route.name).toBe(true);
      const actions = outsideRateBuckets(route.file);
      for (const w of writes) expect(actions.has(w), `${route.name} ${w}`).toBe(false);
    }
  });

  it('puts the one Lambda authorizer (simple responses, cached 5 s by the Authorization header) on every route but the signed webhook and the public config', () => {
    const authorizers = ofApi('AWS::ApiGatewayV2::Authorizer', 'HTTP');
    expect(Object.values(authorizers).map((a) => propsOf(a))).toEqual([
      expect.objectContaining({
        AuthorizerType: 'REQUEST',
        EnableSimpleResponses: true,
        AuthorizerResultTtlInSeconds: 5,
        IdentitySource: ['$request.header.Authorization'],
      }),
    ]);
    const [authorizerId] = Object.keys(authorizers);
    const routes = Object.values(ofApi('AWS::ApiGatewayV2::Route', 'HTTP')).map((r) => propsOf(r));
    expect(routes.map((r) => r['RouteKey']).sort()).toEqual(
      API_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    // A route that verifies its caller's signature itself (the Stripe webhook), and the public config, have no authorizer.
    const signed = new Set(
      API_ROUTES.filter((r) => r.auth !== undefined).map((r) => `${r.method} ${r.path}`),
    );
    expect(signed).toEqual(new Set(['POST /v1/billing/webhook', 'GET /v1/config']));
    for (const r of routes) {
      if (signed.has(String(r['RouteKey']))) {
        expect(r['AuthorizationType'], String(r['RouteKey'])).toBe('NONE');
        continue;
      }
      expect(r['AuthorizationType'], String(r['RouteKey'])).toBe('CUSTOM');
      expect(r['AuthorizerId'], String(r['RouteKey'])).toEqual({ Ref: authorizerId });
    }
    expect(lambdas().get('auth/authorizer.ts')).toBeDefined();
  });

  it('throttles the API stage', () => {
    const [stage] = Object.values(ofApi('AWS::ApiGatewayV2::Stage', 'HTTP')).map((s) => propsOf(s));
    expect(stage?.['DefaultRouteSettings']).toMatchObject({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
  });

  it('the sample list, compiled in, gets no grant but writing its traces', () => {
    expect(actionsOfHandler('api/list-samples.ts')).toEqual(
      new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']),
    );
  });

  it('only task creation and resume start executions; only cancel stops; only approve and reject answer the gate', () => {
    const sfn = (file: string) => [...actionsOfHandler(file)].filter((a) => a.startsWith('states:')).sort();
    expect(sfn('api/create-task.ts')).toEqual(['states:StartExecution']);
    expect(sfn('api/resume-task.ts')).toEqual(['states:StartExecution']);
    expect(sfn('api/cancel-task.ts')).toEqual(['states:StopExecution']);
    expect(sfn('api/approve-task.ts')).toEqual(['states:SendTaskSuccess']);
    expect(sfn('api/reject-task.ts')).toEqual(['states:SendTaskSuccess']);
    for (const file of ['api/get-task.ts', 'api/put-employee.ts', ...Object.values(WORKFLOW_HANDLERS)])
      expect(sfn(file), file).toEqual([]);
  });

  it('only the model-calling states may call Bedrock (hosted memory embeds with OpenAI); only gateway and memory users read secrets', () => {
    const callers = ['PlanTask', 'RunEmployee', 'DevAttempt', 'QAReview', 'Replan', 'Synthesize'];
    // They write the task's memory: the OpenAI key's secret and the Pinecone key (infra/aws/memory.ts).
    const rememberers = ['FinalizeTask', 'MarkTaskFailed'];
    for (const [state, file] of Object.entries(WORKFLOW_HANDLERS)) {
      const actions = actionsOfHandler(file);
      const calls = callers.includes(state);
      expect(actions.has('bedrock:InvokeModel'), state).toBe(calls);
      expect(actions.has('bedrock:InvokeModelWithResponseStream'), state).toBe(calls);
      // RequestApproval prices the plan through the gateway, so it reads the keys but calls no model.
      expect(actions.has('secretsmanager:GetSecretValue'), state).toBe(
        calls || state === 'RequestApproval' || rememberers.includes(state),
      );
    }
    for (const route of API_ROUTES)
      expect(actionsOfHandler(route.file).has('bedrock:InvokeModel'), route.name).toBe(false);
    // CreateTask checks a chosen team's models against the live providers, so it reads which keys
    // are set (the provider key secrets); it never calls a model. A plain read of a task reads none.
    expect(actionsOfHandler('api/create-task.ts').has('secretsmanager:GetSecretValue')).toBe(true);
    expect(actionsOfHandler('api/get-task.ts').has('secretsmanager:GetSecretValue')).toBe(false);
  });

  it('only the states that run code or read the workspace reach S3, only those that run code send jobs; they and the run boundaries (StartRun, FinalizeTask, MarkTaskFailed, cancel) manage the run runners', () => {
    const runCode = ['RunEmployee', 'DevAttempt', 'QAReview'];
    // Replan and Synthesize read the workspace as evidence, and run nothing.
    const readWorkspace = ['Replan', 'Synthesize'];
    const boundaries = ['StartRun', 'FinalizeTask', 'MarkTaskFailed'];
    for (const [state, file] of Object.entries(WORKFLOW_HANDLERS)) {
      const actions = actionsOfHandler(file);
      const s = services(actions);
      const runs = runCode.includes(state);
      // The workspace is reached through the tenant data role; the function's own S3 grant is the sandbox's.
      expect(s.has('s3'), `${state} s3`).toBe(runs);
      if (readWorkspace.includes(state))
        expect(envOf(lambdas().get(file)!)).toHaveProperty('TECHTEAM_ARTIFACTS_BUCKET');
      expect(actions.has('sqs:SendMessage'), `${state} sqs:SendMessage`).toBe(runs);
      for (const service of ['sqs', 'ecs', 'iam'])
        expect(s.has(service), `${state} ${service}`).toBe(runs || boundaries.includes(state));
    }
    const runnerActions = [
      'ecs:RunTask',
      'ecs:ListTasks',
      'ecs:StopTask',
      'iam:PassRole',
      'sqs:CreateQueue',
      'sqs:GetQueueUrl',
      'sqs:DeleteQueue',
    ];
    for (const file of [
      'workflow/dev-attempt.ts',
      'workflow/start-run.ts',
      'workflow/finalize-task.ts',
      'api/cancel-task.ts',
    ]) {
      const actions = actionsOfHandler(file);
      for (const a of runnerActions) expect(actions.has(a), `${file} ${a}`).toBe(true);
    }
    expect(actionsOfHandler('workflow/dev-attempt.ts').has('sqs:SendMessage')).toBe(true);
    // No route holds an S3 grant of its own: the files routes read through the tenant data role.
    for (const route of API_ROUTES)
      expect(services(actionsOfHandler(route.file)).has('s3'), route.name).toBe(false);
  });

  it('holds every interface endpoint to this account: its callers and, but for Bedrock, its resources', () => {
    const endpoints = Object.values(t.sandbox.findResources('AWS::EC2::VPCEndpoint')).filter(
      (e) => propsOf(e)['VpcEndpointType'] === 'Interface',
    );
    expect(endpoints.length).toBeGreaterThanOrEqual(4);
    for (const e of endpoints) {
      const [statement] = (propsOf(e)['PolicyDocument'] as { Statement: Record<string, unknown>[] })
        .Statement;
      expect(statement?.['Condition']).toEqual({
        StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } },
        StringEqualsIfExists: { 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } },
      });
    }
  });

  it("answers only the region's AWS service names in the sandbox VPC (DNS firewall, failing closed)", () => {
    const lists = Object.values(t.sandbox.findResources('AWS::Route53Resolver::FirewallDomainList')).map(
      (l) => JSON.stringify(propsOf(l)['Domains']),
    );
    expect(lists).toContain('["*"]');
    expect(lists.join()).toContain('.amazonaws.com.');
    const [group] = Object.values(t.sandbox.findResources('AWS::Route53Resolver::FirewallRuleGroup'));
    const rules = propsOf(group!)['FirewallRules'] as { Action: string; Priority: number }[];
    expect(rules.map((r) => r.Action)).toEqual(['ALLOW', 'BLOCK']);
    expect(rules[0]!.Priority).toBeLessThan(rules[1]!.Priority);
    t.sandbox.hasResourceProperties('AWS::Route53Resolver::FirewallRuleGroupAssociation', {
      VpcId: Match.anyValue(),
    });
    t.sandbox.hasResourceProperties('AWS::Route53Resolver::FirewallConfig', { FirewallFailOpen: 'DISABLED' });
  });

  it("starts runners by the task definition's family (any revision, this cluster), never by an exported ARN", () => {
    const dev = lambdas().get('workflow/dev-attempt.ts')!;
    expect(envOf(dev)[AWS_SANDBOX_ENV.taskDefinition]).toBe(synth.stacks.sandbox.runnerFamily);
    t.sandbox.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: 'Techteam-Sandbox-runner' });
    const runTask = statementsOfRole(all(), roleOfFunction(dev.resource)).find(
      (s) => s['Action'] === 'ecs:RunTask',
    )!;
    expect(JSON.stringify(runTask['Resource'])).toContain(':task-definition/Techteam-Sandbox-runner:*');
    expect(runTask['Condition']).toMatchObject({ ArnEquals: { 'ecs:cluster': expect.anything() } });
    const passRole = statementsOfRole(all(), roleOfFunction(dev.resource)).find(
      (s) => s['Action'] === 'iam:PassRole',
    )!;
    expect(passRole['Condition']).toEqual({
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    });
  });

  it("the files routes hold no S3 grant: they read the caller's objects through read-only tenant sessions", () => {
    for (const file of ['api/list-files.ts', 'api/get-file.ts', 'api/get-archive.ts']) {
      const fn = lambdas().get(file)!;
      expect(
        [...actionsOfHandler(file)].filter((a) => a.startsWith('s3:')),
        file,
      ).toEqual([]);
      expect(envOf(fn), file).toMatchObject({
        TECHTEAM_ARTIFACTS_BUCKET: expect.anything(),
        TECHTEAM_TENANT_ROLE_ARN: expect.anything(),
        TECHTEAM_TENANT_ACCESS: 'read',
      });
    }
  });

  it('lists tasks in the sandbox cluster only', () => {
    const fn = lambdas().get('workflow/start-run.ts')!;
    const list = statementsOfRole(all(), roleOfFunction(fn.resource)).find((s) =>
      [s['Action']].flat().includes('ecs:ListTasks'),
    );
    expect(list?.['Condition']).toMatchObject({ ArnEquals: { 'ecs:cluster': expect.anything() } });
  });

  it("Bedrock: models and profiles in the stack's region; models elsewhere only through its profiles", () => {
    const fn = lambdas().get('workflow/plan-task.ts')!;
    // The gateway's two statements; the third is memory's Titan model alone (memory.test.ts).
    const bedrock = statementsOfRole(all(), roleOfFunction(fn.resource)).filter(
      (s) =>
        [s['Action']].flat().includes('bedrock:InvokeModel') &&
        !JSON.stringify(s['Resource']).includes(`foundation-model/${TITAN_EMBEDDING_MODEL}`),
    );
    expect(bedrock).toHaveLength(2);
    const [inRegion, viaProfile] = bedrock.map((s) => JSON.stringify(s));
    expect(inRegion).toContain('{"Ref":"AWS::Region"}');
    expect(inRegion).not.toContain(':bedrock:*');
    expect(inRegion).not.toContain('Condition');
    // Cross-region inference profiles (the catalog's us.anthropic… models) route calls to other
    // regions, where Bedrock checks the model's permission; only a profile call may use it.
    expect(viaProfile).toContain(':bedrock:*::foundation-model/*');
    expect(viaProfile).toContain('bedrock:InferenceProfileArn');
    expect(viaProfile).toMatch(/inference-profile\/\*/);
  });
});

describe('sandbox stack (fargate)', () => {
  it('has no way to the internet: no internet gateway, no NAT, no route beyond the VPC', () => {
    for (const type of [
      'AWS::EC2::InternetGateway',
      'AWS::EC2::NatGateway',
      'AWS::EC2::EgressOnlyInternetGateway',
    ])
      t.sandbox.resourceCountIs(type, 0);
    t.sandbox.resourceCountIs('AWS::EC2::Route', 0);
    for (const subnet of Object.values(t.sandbox.findResources('AWS::EC2::Subnet')))
      expect((subnet['Properties'] as Record<string, unknown>)['MapPublicIpOnLaunch']).toBe(false);
  });

  it('reaches S3 through a gateway endpoint and SQS, ECR, CloudWatch Logs and STS (the run role) through interface endpoints', () => {
    t.sandbox.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3'])]) }),
    });
    for (const service of ['sqs', 'ecr.api', 'ecr.dkr', 'logs', 'sts']) {
      t.sandbox.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([`.${service}`])]) }),
      });
    }
  });

  it("lets the S3 endpoint reach only the runner's sandbox prefix and ECR's image layers, no other bucket", () => {
    const endpoints = Object.values(
      t.sandbox.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway' } }),
    );
    expect(endpoints).toHaveLength(1);
    const policy = (endpoints[0]!['Properties'] as Record<string, unknown>)['PolicyDocument'] as {
      Statement: Record<string, unknown>[];
    };
    expect(policy).toBeDefined();
    const statements = policy.Statement;
    expect(statements.map((s) => s['Effect'])).toEqual(['Allow', 'Allow']);
    const resources = statements.map((s) => JSON.stringify(s['Resource']));
    expect(resources[0]).toMatch(/"\/sandbox\/\*"\]\]\}$/);
    expect(resources[1]).toMatch(/starport-layer-bucket\/\*/);
    expect(resources.join()).not.toMatch(/"\*"|arn:aws:s3:::\*/);
    expect(statements.map((s) => s['Action'])).toEqual([['s3:GetObject', 's3:PutObject'], 's3:GetObject']);
  });

  it('runs the runner image from infra/sandbox as a Fargate task definition', () => {
    t.sandbox.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'runner',
          Environment: Match.arrayWith([{ Name: 'SANDBOX_ISOLATION', Value: 'microvm' }]),
        }),
      ],
    });
  });

  it("the runner task role can only assume the run role; the run role reaches only the tagged run's objects and queue", () => {
    const roleId = (description: string) =>
      Object.keys(
        t.sandbox.findResources('AWS::IAM::Role', {
          Properties: { Description: Match.stringLikeRegexp(description) },
        }),
      );
    const [taskRoleId] = roleId('^Sandbox runner');
    const [runRoleId] = roleId('^Sandbox run:');
    expect(taskRoleId && runRoleId).toBeTruthy();
    const taskStatements = statementsOfRole(all(), taskRoleId!);
    expect([...actionsOf(taskStatements)].sort()).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    for (const s of taskStatements) expect(s['Resource']).toEqual({ 'Fn::GetAtt': [runRoleId, 'Arn'] });

    const runStatements = statementsOfRole(all(), runRoleId!);
    expect(JSON.stringify(runStatements)).not.toMatch(/dynamodb|Table/);
    expect([...actionsOf(runStatements)].sort()).toEqual(
      [
        's3:GetObject',
        's3:PutObject',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
      ].sort(),
    );
    for (const s of runStatements) {
      const resource = JSON.stringify(s['Resource']);
      expect(resource).toContain(RUN_TAG_VARIABLE);
      expect(
        resource.includes(`/sandbox/${RUN_TAG_VARIABLE}/*`) ||
          resource.includes(`:techteam-sandbox-${RUN_TAG_VARIABLE}`),
        resource,
      ).toBe(true);
    }

    const trust = propsOf(t.sandbox.findResources('AWS::IAM::Role')[runRoleId!]!)[
      'AssumeRolePolicyDocument'
    ] as {
      Statement: Record<string, unknown>[];
    };
    const assume = trust.Statement.find((x) => x['Action'] === 'sts:AssumeRole')!;
    expect(assume['Principal']).toEqual({ AWS: { 'Fn::GetAtt': [taskRoleId, 'Arn'] } });
    expect(JSON.stringify(assume['Condition'])).toContain('aws:RequestTag/techteam-run');
  });

  it('tells the runner its run role, bucket and prefix (the run id and queue come per task)', () => {
    t.sandbox.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([
            Match.objectLike({ Name: 'SANDBOX_RUN_ROLE_ARN' }),
            Match.objectLike({ Name: 'SANDBOX_BUCKET' }),
            { Name: 'SANDBOX_PREFIX', Value: 'sandbox' },
          ]),
        }),
      ],
    });
  });
});

describe('api stack', () => {
  it('routes each API_ROUTES entry to its own function', () => {
    const byLogicalId = new Map([...functionsByHandler(t.api)].map(([file, f]) => [f.logicalId, file]));
    const routes = ofApi('AWS::ApiGatewayV2::Route', 'HTTP');
    const integrations = t.api.findResources('AWS::ApiGatewayV2::Integration');
    const served = new Map<string, string>();
    for (const route of Object.values(routes)) {
      const p = route['Properties'] as { RouteKey: string; Target: { 'Fn::Join': [string, unknown[]] } };
      const integrationId = (p.Target['Fn::Join'][1][1] as { Ref: string }).Ref;
      const uri = JSON.stringify(
        (integrations[integrationId]!['Properties'] as Record<string, unknown>)['IntegrationUri'],
      );
      const fn = [...byLogicalId.keys()].find((id) => uri.includes(`"${id}"`));
      served.set(p.RouteKey, byLogicalId.get(fn ?? '') ?? '?');
    }
    expect(Object.fromEntries(served)).toEqual(
      Object.fromEntries(API_ROUTES.map((r) => [`${r.method} ${r.path}`, r.file])),
    );
  });

  it('without a dashboard origin, answers no CORS preflight (same-origin pages and API clients only)', () => {
    const api = t.api.findResources('AWS::ApiGatewayV2::Api')[apiIdOf('HTTP')!];
    expect(propsOf(api!)['CorsConfiguration']).toBeUndefined();
  });

  it('logs access on the default stage and throttles', () => {
    t.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 50 }),
    });
  });
});

describe('live API (WebSocket)', () => {
  const fnId = (file: string) => lambdas().get(file)!.logicalId;
  /** Route key → the handler file its integration invokes. */
  const served = () => {
    const integrations = t.api.findResources('AWS::ApiGatewayV2::Integration');
    const byLogicalId = new Map([...functionsByHandler(t.api)].map(([file, f]) => [f.logicalId, file]));
    return Object.fromEntries(
      Object.values(ofApi('AWS::ApiGatewayV2::Route', 'WEBSOCKET')).map((r) => {
        const p = propsOf(r) as { RouteKey: string; Target: { 'Fn::Join': [string, unknown[]] } };
        const integrationId = (p.Target['Fn::Join'][1][1] as { Ref: string }).Ref;
        const uri = JSON.stringify(propsOf(integrations[integrationId]!)['IntegrationUri']);
        const id = [...byLogicalId.keys()].find((k) => uri.includes(`"${k}"`));
        return [p.RouteKey, byLogicalId.get(id ?? '') ?? '?'];
      }),
    );
  };

  it('routes $connect, $disconnect, the protocol actions and $default to their functions/live handlers', () => {
    t.api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    expect(served()).toEqual(LIVE_ROUTES);
    expect(Object.keys(LIVE_ROUTES).sort()).toEqual(
      ['$connect', '$default', '$disconnect', 'ping', 'subscribe', 'unsubscribe'].sort(),
    );
  });

  it('authorizes $connect with a REQUEST authorizer on the token query parameter, running the live authorizer', () => {
    const authorizers = ofApi('AWS::ApiGatewayV2::Authorizer', 'WEBSOCKET');
    expect(Object.values(authorizers).map(propsOf)).toEqual([
      expect.objectContaining({
        AuthorizerType: 'REQUEST',
        IdentitySource: ['route.request.querystring.token'],
      }),
    ]);
    const [authorizerId] = Object.keys(authorizers);
    const uri = JSON.stringify(propsOf(authorizers[authorizerId!]!)['AuthorizerUri']);
    expect(uri).toContain(fnId(LIVE_FUNCTIONS.authorizer));
    // The same identity code as the HTTP API's authorizer: API keys and Clerk sessions.
    expect(envOf(lambdas().get(LIVE_FUNCTIONS.authorizer)!)).toMatchObject({
      TECHTEAM_AUTH: 'required',
      TECHTEAM_API_KEY_PEPPER_SECRET_ARN: expect.anything(),
    });
    expect(actionsOfHandler(LIVE_FUNCTIONS.authorizer).has('secretsmanager:GetSecretValue')).toBe(true);
    for (const r of Object.values(ofApi('AWS::ApiGatewayV2::Route', 'WEBSOCKET')).map(propsOf)) {
      if (r['RouteKey'] === '$connect') {
        expect(r).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizerId } });
      } else expect(r['AuthorizationType'] ?? 'NONE', String(r['RouteKey'])).toBe('NONE');
    }
  });

  it('serves a throttled, access-logged stage, named in an output', () => {
    const [stage] = Object.values(ofApi('AWS::ApiGatewayV2::Stage', 'WEBSOCKET')).map(propsOf);
    expect(stage).toMatchObject({
      StageName: LIVE_STAGE,
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: expect.anything(), Format: expect.any(String) },
    });
    // Never the query string: it holds the credential.
    expect(
      String(stage?.['AccessLogSettings'] && (stage['AccessLogSettings'] as { Format: string }).Format),
    ).not.toMatch(/querystring|token/i);
    // WebSocket stages log through API Gateway's account setting, which must name a role first.
    t.api.hasResourceProperties('AWS::ApiGateway::Account', { CloudWatchRoleArn: Match.anyValue() });
    expect(JSON.stringify(t.api.findOutputs('LiveUrl'))).toContain('wss://');
  });

  it('feeds the fan-out from the table stream: batches, bisect on error, bounded retries, a dead-letter queue, filtered to what it reads', () => {
    const mappings = Object.values(t.api.findResources('AWS::Lambda::EventSourceMapping')).map(propsOf);
    expect(mappings).toHaveLength(1);
    const [mapping] = mappings;
    expect(mapping).toMatchObject({
      FunctionName: { Ref: fnId(LIVE_FUNCTIONS.fanOut) },
      StartingPosition: 'LATEST',
      BatchSize: FAN_OUT_BATCH_SIZE,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: FAN_OUT_RETRY_ATTEMPTS,
      ParallelizationFactor: 1,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    expect(JSON.stringify(mapping?.['EventSourceArn'])).toMatch(/StreamArn/);
    const filters = (mapping!['FilterCriteria'] as { Filters: { Pattern: string }[] }).Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual(
      JSON.parse(JSON.stringify(LIVE_STREAM_FILTERS)),
    );
  });

  it('gives the fan-out time for a whole batch to 500 subscribers at 100 ms a post, twice over', () => {
    const [mapping] = Object.values(t.api.findResources('AWS::Lambda::EventSourceMapping')).map(propsOf);
    const fanOut = propsOf(lambdas().get(LIVE_FUNCTIONS.fanOut)!.resource);
    const rounds = Math.ceil(500 / POST_CONCURRENCY) * Number(mapping?.['BatchSize']);
    expect(2 * rounds * 0.1).toBeLessThanOrEqual(Number(fanOut['Timeout']));
    // The queued messages are references to one message per event: 512 MB holds a batch many times over.
    expect(Number(fanOut['MemorySize'])).toBeGreaterThanOrEqual(512);
  });

  it('lets only the message and fan-out functions post, and only to this API’s live stage connections', () => {
    const wsApi = apiIdOf('WEBSOCKET');
    for (const h of lambdaHandlers()) {
      const manage = statementsOfRole(all(), roleOfFunction(lambdas().get(h.file)!.resource)).filter((s) =>
        [s['Action']].flat().includes('execute-api:ManageConnections'),
      );
      expect(manage.length > 0, h.name).toBe(!!h.access.liveConnections);
      for (const statement of manage) {
        const resources = [statement['Resource']].flat().map((r) => JSON.stringify(r));
        expect(resources, h.name).toHaveLength(2);
        for (const r of resources) {
          expect(r).toContain(`{"Ref":"${wsApi}"}`);
          expect(r).toMatch(/\/live\/(POST|DELETE)\/@connections\/\*"\]\]\}$/);
        }
      }
    }
    expect(
      lambdaHandlers()
        .filter((h) => h.access.liveConnections)
        .map((h) => h.file)
        .sort(),
    ).toEqual(['live/fan-out.ts', 'live/message.ts']);
  });

  it('tells GET /v1/config the live URL and the live functions their @connections endpoint', () => {
    const configEnv = envOf(lambdas().get('api/get-config.ts')!);
    // Deployed, the dashboard signs in (auth required) and calls the API on its own origin (CloudFront's /v1/*).
    expect(configEnv['TECHTEAM_AUTH']).toBe('required');
    expect(configEnv['TECHTEAM_API_URL']).toBeUndefined();
    const live = JSON.stringify(configEnv['TECHTEAM_LIVE_URL']);
    expect(live).toContain('wss://');
    expect(live).toContain(apiIdOf('WEBSOCKET'));
    expect(live).toContain(`/${LIVE_STAGE}`);
    for (const file of Object.values(LIVE_ROUTES).concat(LIVE_FUNCTIONS.fanOut)) {
      const endpoint = JSON.stringify(envOf(lambdas().get(file)!)['TECHTEAM_LIVE_ENDPOINT']);
      expect(endpoint, file).toContain('https://');
      expect(endpoint, file).toContain(apiIdOf('WEBSOCKET'));
    }
  });
});

describe('secrets stack (hosted)', () => {
  it('holds one entry per third-party provider key, named by CloudFormation, retained, named in an output', () => {
    t.secrets.resourceCountIs('AWS::SecretsManager::Secret', PROVIDER_KEY_NAMES.length);
    const secrets = Object.values(t.secrets.findResources('AWS::SecretsManager::Secret'));
    for (const secret of secrets) {
      // A fixed name is reserved for up to 30 days after a delete: a redeploy after a destroy failed.
      expect(propsOf(secret)['Name']).toBeUndefined();
      expect(secret['DeletionPolicy']).toBe('Retain');
      expect(secret['UpdateReplacePolicy']).toBe('Retain');
      // The one value the template ever writes; CloudFormation rewrites a secret's value only
      // when this property changes, so keeping it constant keeps an operator's key across updates.
      expect(propsOf(secret)['SecretString']).toBe('UNSET');
    }
    const outputs = JSON.stringify(t.secrets.findOutputs('*'));
    for (const name of PROVIDER_KEY_NAMES) expect(outputs).toContain(name);
  });
});

describe('observability', () => {
  const alarms = () =>
    all().flatMap((tmpl) => Object.values(tmpl.findResources('AWS::CloudWatch::Alarm')).map(propsOf));
  const described = (words: string) =>
    alarms().filter((a) => String(a['AlarmDescription'] ?? '').includes(words));

  it('traces every function with X-Ray', () => {
    for (const fn of lambdas().values())
      expect(propsOf(fn.resource)['TracingConfig'], fn.logicalId).toEqual({ Mode: 'Active' });
  });

  it('sends every alarm to one topic, encrypted with a key CloudWatch may use', () => {
    const [topicId] = Object.keys(t.data.findResources('AWS::SNS::Topic'));
    expect(topicId).toBeDefined();
    t.data.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.data.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      }),
    });
    expect(alarms().length).toBeGreaterThan(0);
    for (const a of alarms())
      expect(JSON.stringify(a['AlarmActions']), String(a['AlarmDescription'])).toContain(topicId);
  });

  it('alarms on each function’s errors and throttles, failed executions, the 5xx rate, budget refusals and spend', () => {
    for (const name of [
      ...Object.keys(synth.stacks.api.functions),
      ...Object.keys(synth.stacks.workflow.functions),
    ]) {
      const own = (words: string) =>
        described(words).filter((a) => String(a['AlarmDescription']).startsWith(`${name}: `));
      expect(own(`${name}: unhandled errors`), name).toHaveLength(1);
      expect(own(`${name}: throttled`), name).toHaveLength(1);
    }
    const [executions] = described('executions failed, timed out or were aborted');
    expect(JSON.stringify(executions?.['Metrics'])).toMatch(
      /ExecutionsFailed.*ExecutionsTimedOut.*ExecutionsAborted/,
    );
    const [rate] = described('5xx');
    expect(JSON.stringify(rate?.['Metrics'])).toContain('IF(requests >= 20, 100 * errors / requests, 0)');
    for (const [words, metric] of [
      ['refused for budget', 'BudgetRefusals'],
      ['Model spend', 'ModelSpendMicroUsd'],
    ] as const) {
      const [a] = described(words);
      expect(a, words).toMatchObject({ Namespace: 'Techteam', MetricName: metric, Period: 3600 });
      expect(a?.['Dimensions']).toEqual([{ Name: 'service', Value: 'techteam' }]);
    }
  });

  it('has one dashboard, which finds the functions by name rather than by reference', () => {
    t.api.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const [dashboard] = Object.values(t.api.findResources('AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(propsOf(dashboard!)['DashboardBody'])).toContain('SEARCH(');
  });
});
