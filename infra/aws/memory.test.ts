/**
 * The team memory's construct (infra/aws/memory.ts) in both modes: the ingestion queue and its
 * Lambda, the Pinecone key secret (hosted) or the S3 Vectors bucket (byo), and each memory user's
 * environment and grants, read from the synthesized templates.
 */

import { LAMBDAS } from '@techteam/functions/manifest';
import { TITAN_EMBEDDING_MODEL } from '@techteam/shared/memory';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContextInvalid } from './deploy-context';
import { writesChunks } from './function-access';
import { stackEmbedder, VECTOR_ACTIONS } from './memory';
import { TENANT_SERVING } from './tenant-access';
import { ADMITTED_TAG, TENANT_TABLE_ACTIONS } from './tenant-data-role';
import {
  actionsOf,
  functionsByHandler,
  roleOfFunction,
  type SynthesizedApp,
  statementsOfRole,
  synthTechteam,
} from './testing/synth';

type Json = Record<string, unknown>;

/** The handlers that use memory beyond the table, as the manifest says; checked against their sources elsewhere. */
const MEMORY_USERS = [
  'api/add-document.ts',
  'api/list-documents.ts',
  'api/delete-document.ts',
  'api/list-memories.ts',
  'api/delete-memories.ts',
  'api/delete-memory.ts',
  'workflow/plan-task.ts',
  'workflow/run-employee.ts',
  'workflow/finalize-task.ts',
  'workflow/mark-task-failed.ts',
  'memory/ingest-document.ts',
];

function templatesOf(synth: SynthesizedApp) {
  const { data, sandbox, workflow, api, secrets } = synth.stacks;
  return {
    data: synth.template(data),
    workflow: synth.template(workflow),
    api: synth.template(api),
    all: [data, sandbox, workflow, api, ...(secrets ? [secrets] : [])].map((s) => synth.template(s)),
  };
}

const envOf = (fn: { resource: Json }) =>
  ((fn.resource['Properties'] as { Environment?: { Variables?: Json } }).Environment?.Variables ??
    {}) as Json;

function lambdasOf(t: { workflow: Template; api: Template }) {
  return new Map([...functionsByHandler(t.api), ...functionsByHandler(t.workflow)]);
}

function statementsOf(t: ReturnType<typeof templatesOf>, file: string): Json[] {
  const fn = lambdasOf(t).get(file);
  if (!fn) throw new Error(`no function for ${file}`);
  return statementsOfRole(t.all, roleOfFunction(fn.resource));
}

const withAction = (statements: Json[], prefix: string) =>
  statements.filter((s) => [s['Action']].flat().some((a) => String(a).startsWith(prefix)));

/**
 * The ingestion Lambda acts as each message's tenant (shared/memory/ingestion-batch.ts): no table
 * statement without a LeadingKeys condition (it has no system partition, so none at all), and
 * admitted to the tenant data role: its tag, sts:AssumeRole with a tenant tag, the role's ARN.
 */
function expectIngestionActsAsTenants(t: ReturnType<typeof templatesOf>) {
  const file = 'memory/ingest-document.ts';
  const statements = statementsOf(t, file);
  expect(TENANT_SERVING.get('IngestDocument')).toEqual([]);
  const table = withAction(statements, 'dynamodb:');
  for (const st of table)
    expect(
      (st['Condition'] as Record<string, Json> | undefined)?.['ForAllValues:StringLike']?.[
        'dynamodb:LeadingKeys'
      ],
    ).toBeDefined();
  expect(table).toEqual([]);
  const [tenantRoleId] = Object.keys(t.data.findResources('AWS::IAM::Role')).filter((id) =>
    id.startsWith('TenantDataRole'),
  );
  expect(tenantRoleId).toBeDefined();
  const assume = withAction(statements, 'sts:');
  expect(assume).toHaveLength(1);
  expect(assume[0]).toMatchObject({
    Action: ['sts:AssumeRole', 'sts:TagSession'],
    Condition: { StringLike: { 'aws:RequestTag/tenant': '?*' } },
  });
  expect(JSON.stringify(assume[0]!['Resource'])).toContain(tenantRoleId);
  const fn = lambdasOf(t).get(file)!;
  expect(JSON.stringify(envOf(fn)['TECHTEAM_TENANT_ROLE_ARN'])).toContain(tenantRoleId);
  expect(envOf(fn)['TECHTEAM_TENANT_ACCESS']).toBe('readWrite');
  const role = t.workflow.findResources('AWS::IAM::Role')[roleOfFunction(fn.resource)];
  expect((role?.['Properties'] as Json | undefined)?.['Tags']).toContainEqual({
    Key: ADMITTED_TAG.key,
    Value: ADMITTED_TAG.value,
  });
  // Nor a workspace: the document's body is in its table item.
  expect(withAction(statements, 's3:')).toEqual([]);
}

describe('the stack’s embedder (-c embedder=…)', () => {
  it('is OpenAI when hosted and Titan in deploy-your-own, unless the context says bedrock', () => {
    expect(stackEmbedder('hosted', undefined)).toBe('openai');
    expect(stackEmbedder('hosted', '')).toBe('openai');
    expect(stackEmbedder('hosted', 'bedrock')).toBe('bedrock');
    expect(stackEmbedder('byo', undefined)).toBe('bedrock');
    expect(stackEmbedder('byo', 'bedrock')).toBe('bedrock');
  });

  it('refuses openai in deploy-your-own and an unknown embedder, naming the valid values', () => {
    expect(() => stackEmbedder('byo', 'openai')).toThrow(ContextInvalid);
    expect(() => stackEmbedder('byo', 'openai')).toThrow(/'embedder' is "openai"; valid values: bedrock/);
    expect(() => stackEmbedder('hosted', 'cohere')).toThrow(/valid values: openai, bedrock/);
  });
});

it('names exactly the handlers that use memory in the manifest', () => {
  expect(
    LAMBDAS.filter((l) => l.access.memory)
      .map((l) => l.file)
      .sort(),
  ).toEqual([...MEMORY_USERS].sort());
});

describe('hosted mode: Pinecone, its key in Secrets Manager', () => {
  let t: ReturnType<typeof templatesOf>;
  beforeAll(() => {
    t = templatesOf(synthTechteam({ mode: 'hosted', sandbox: 'fargate' }));
  });

  it('has the ingestion queue encrypted, TLS only, redriving to an encrypted dead-letter queue after 3 receives', () => {
    const queues = t.workflow.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(2);
    for (const q of Object.values(queues))
      expect((q['Properties'] as Json)['SqsManagedSseEnabled'], JSON.stringify(q)).toBe(true);
    t.workflow.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 1800,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
    });
    const policies = Object.values(t.workflow.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(2);
    for (const p of policies)
      expect((p['Properties'] as { PolicyDocument: { Statement: Json[] } }).PolicyDocument.Statement).toEqual(
        [
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      );
    t.workflow.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
    });
  });

  it('feeds the ingestion Lambda from the queue in batches of 5, with partial batch responses', () => {
    const ingest = lambdasOf(t).get('memory/ingest-document.ts')!;
    t.workflow.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ingest.logicalId },
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    expect([...actionsOf(statementsOf(t, 'memory/ingest-document.ts'))]).toEqual(
      expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']),
    );
  });

  it('keeps the Pinecone key in a CloudFormation-named secret holding the constant marker, retained on delete', () => {
    const secrets = Object.values(t.workflow.findResources('AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(1);
    const [secret] = secrets as Json[];
    expect(secret).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(secret!['Properties']).toMatchObject({ SecretString: 'UNSET' });
    expect(secret!['Properties']).not.toHaveProperty('Name');
  });

  it('gives every memory user Pinecone and OpenAI embedding settings, never lancedb, and the queue URL to uploads alone', () => {
    for (const [file, fn] of lambdasOf(t)) {
      const env = envOf(fn);
      expect(env['TECHTEAM_VECTOR_INDEX'], file).not.toBe('lancedb');
      if (!MEMORY_USERS.includes(file)) {
        expect(
          Object.keys(env).filter((k) => /VECTOR|PINECONE|EMBED|INGESTION/.test(k)),
          file,
        ).toEqual([]);
        continue;
      }
      expect(env, file).toMatchObject({
        TECHTEAM_VECTOR_INDEX: 'pinecone',
        TECHTEAM_EMBEDDER: 'openai',
        TECHTEAM_EMBEDDING_DIMENSION: '1024',
        TECHTEAM_PINECONE_INDEX: 'techteam-memory',
        TECHTEAM_PINECONE_SECRET_ARN: expect.anything(),
      });
      expect(env['TECHTEAM_PINECONE_SECRET_ARN'], file).toBeDefined();
      expect('TECHTEAM_INGESTION_QUEUE_URL' in env, file).toBe(file === 'api/add-document.ts');
    }
  });

  it('lets every memory user read the key; uploads alone send to the queue; embedding users call Titan alone', () => {
    const titan = `foundation-model/${TITAN_EMBEDDING_MODEL}`;
    for (const file of MEMORY_USERS) {
      const statements = statementsOf(t, file);
      const actions = actionsOf(statements);
      expect(actions.has('secretsmanager:GetSecretValue'), file).toBe(true);
      const sendsToIngestion = withAction(statements, 'sqs:SendMessage').some((s) =>
        JSON.stringify(s['Resource']).includes('IngestionQueue'),
      );
      expect(sendsToIngestion, file).toBe(file === 'api/add-document.ts');
      const entry = LAMBDAS.find((l) => l.file === file)!;
      const titanGrant = withAction(statements, 'bedrock:').some((s) =>
        JSON.stringify(s['Resource']).includes(titan),
      );
      // Hosted embeds with OpenAI: no memory user is granted Titan.
      expect(titanGrant, file).toBe(false);
      if (!entry.access.models) {
        // Beyond the gateway's model grants, only Titan: the ingestion Lambda and the routes call no other model.
        for (const s of withAction(statements, 'bedrock:'))
          expect(JSON.stringify(s['Resource']), file).toContain(titan);
      }
    }
    expect(actionsOf(statementsOf(t, 'api/list-documents.ts')).has('bedrock:InvokeModel')).toBe(false);
  });

  it("names the OpenAI provider key's secret to exactly the users that embed, and lets them read it", () => {
    const secrets = t.all.flatMap((x) => Object.entries(x.findResources('AWS::SecretsManager::Secret')));
    const openAI = secrets.filter(([, r]) => JSON.stringify(r).includes('provider key OPENAI_API_KEY'));
    expect(openAI).toHaveLength(1);
    const [logicalId] = openAI[0]!;
    for (const file of MEMORY_USERS) {
      const entry = LAMBDAS.find((l) => l.file === file)!;
      const embeds = !!entry.access.memory?.embed;
      const env = envOf(lambdasOf(t).get(file)!);
      expect('TECHTEAM_OPENAI_KEY_SECRET_ARN' in env, file).toBe(embeds);
      if (embeds) expect(JSON.stringify(env['TECHTEAM_OPENAI_KEY_SECRET_ARN']), file).toContain(logicalId);
      const readsOpenAIKey = withAction(statementsOf(t, file), 'secretsmanager:GetSecretValue').some((s) =>
        JSON.stringify(s['Resource']).includes(logicalId),
      );
      // The gateway's functions read every provider key anyway; the others read it iff they embed.
      expect(readsOpenAIKey, file).toBe(embeds || !!entry.access.models);
    }
    const ingestion = statementsOf(t, 'memory/ingest-document.ts');
    const secretReads = withAction(ingestion, 'secretsmanager:GetSecretValue').map((s) =>
      JSON.stringify(s['Resource']),
    );
    // The ingestion Lambda calls no model: the OpenAI key and the Pinecone key, no other provider's.
    expect(secretReads).toHaveLength(2);
    expect(secretReads.some((r) => r.includes(logicalId))).toBe(true);
    expect(secretReads.some((r) => r.includes('PINECONE'))).toBe(true);
  });

  it('has the ingestion Lambda act as each message’s tenant: no whole-table grant, admitted to the tenant data role', () => {
    expectIngestionActsAsTenants(t);
  });

  it('grants BatchWriteItem, on the table alone, to no memory user: each writes its tenant’s chunks as that tenant', () => {
    const batchers = MEMORY_USERS.filter((file) => {
      const statements = withAction(statementsOf(t, file), 'dynamodb:BatchWriteItem');
      for (const s of statements) {
        expect(s['Action'], file).toBe('dynamodb:BatchWriteItem');
        // One resource, the table's ARN: no index, no wildcard.
        expect(Array.isArray(s['Resource']), file).toBe(false);
        expect(JSON.stringify(s['Resource']), file).not.toMatch(/index|\*/);
      }
      return statements.length > 0;
    });
    // Ingestion (per message), the delete routes, FinalizeTask and MarkTaskFailed write their
    // tenant's chunks as that tenant (TENANT_TABLE_ACTIONS).
    expect(batchers).toEqual([]);
    expect(TENANT_TABLE_ACTIONS).toContain('dynamodb:BatchWriteItem');
    expect(
      MEMORY_USERS.filter((file) => writesChunks(LAMBDAS.find((l) => l.file === file)!.access)),
    ).toContain('memory/ingest-document.ts');
  });
});

describe('byo mode: an S3 Vectors bucket in the account', () => {
  let t: ReturnType<typeof templatesOf>;
  beforeAll(() => {
    t = templatesOf(synthTechteam({ mode: 'byo', sandbox: 'ec2-gvisor' }));
  });

  it('has the ingestion Lambda act as each message’s tenant: no whole-table grant, admitted to the tenant data role', () => {
    expectIngestionActsAsTenants(t);
  });

  it('has an encrypted vector bucket, retained on delete, and no Pinecone secret', () => {
    const buckets = Object.values(t.workflow.findResources('AWS::S3Vectors::VectorBucket'));
    expect(buckets).toHaveLength(1);
    expect(buckets[0]).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { EncryptionConfiguration: { SseType: 'AES256' } },
    });
    expect(JSON.stringify(t.all.map((x) => x.toJSON()))).not.toMatch(/PINECONE/);
  });

  it('tells every memory user the bucket and s3vectors, and reaches S3 Vectors through a VPC endpoint', () => {
    for (const file of MEMORY_USERS) {
      const env = envOf(lambdasOf(t).get(file)!);
      expect(env, file).toMatchObject({
        TECHTEAM_MODE: 'byo',
        TECHTEAM_VECTOR_INDEX: 's3vectors',
        TECHTEAM_EMBEDDER: 'bedrock',
        TECHTEAM_S3VECTORS_BUCKET: {
          'Fn::Select': [1, { 'Fn::Split': ['/', expect.anything()] }],
        },
      });
    }
    const endpoints = t.all.flatMap((x) => Object.values(x.findResources('AWS::EC2::VPCEndpoint')));
    expect(JSON.stringify(endpoints)).toContain('.s3vectors');
  });

  it('embeds with Titan alone: the embedding users are granted Titan, and no OpenAI key is named', () => {
    const titan = `foundation-model/${TITAN_EMBEDDING_MODEL}`;
    for (const file of MEMORY_USERS) {
      const entry = LAMBDAS.find((l) => l.file === file)!;
      const env = envOf(lambdasOf(t).get(file)!);
      expect(env, file).not.toHaveProperty('TECHTEAM_OPENAI_KEY_SECRET_ARN');
      const titanGrant = withAction(statementsOf(t, file), 'bedrock:').some((s) =>
        JSON.stringify(s['Resource']).includes(titan),
      );
      expect(titanGrant, file).toBe(!!entry.access.memory?.embed);
    }
  });

  it("grants each memory user exactly its vector actions, on the bucket's indexes only", () => {
    for (const file of MEMORY_USERS) {
      const entry = LAMBDAS.find((l) => l.file === file)!;
      const statements = withAction(statementsOf(t, file), 's3vectors:');
      const actions = [...actionsOf(statements)].sort();
      const level = entry.access.memory?.vectors;
      expect(actions, file).toEqual(level ? [...new Set(VECTOR_ACTIONS[level])].sort() : []);
      for (const s of statements)
        expect(JSON.stringify(s['Resource']), file).toMatch(/VectorBucket.*\/index\/\*"/);
    }
    expect(actionsOf(statementsOf(t, 'workflow/plan-task.ts')).has('s3vectors:PutVectors')).toBe(false);
    expect(
      [...actionsOf(statementsOf(t, 'api/delete-document.ts'))].filter((a) => a.startsWith('s3vectors:')),
    ).toEqual(['s3vectors:DeleteVectors']);
  });
});
