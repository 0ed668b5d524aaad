import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { actAsTenant } from './acting-tenant';
import { apiKeyKeys } from './api-keys';
import { createDocumentClient, ensureTable } from './client';
import { newUlid } from './ids';
import { keys } from './keys';
import { Store } from './store';
import { PerTenant, READ_ONLY_SESSION_POLICY, tenantCredentials } from './tenant-credentials';
import { CrossTenantRequest, TenantIdUnscopable, TenantScopeViolation } from './tenant-errors';
import {
  createTenantScopedDocumentClient,
  leadingTenantsOfRequest,
  TenantScopedDocumentClient,
  tenantOfPartition,
  tenantsOfRequest,
} from './tenant-scope';

// One stub of the STS client class for the file: a second mockClient of the class would undo the first.
const sts = mockClient(STSClient);

/**
 * A store whose requests go through the tenant router to one DynamoDB Local, each tenant's
 * requests through its own client, so the test sees which tenant each request was sent as
 * (on AWS: which tenant's assumed-role session signed it).
 */
async function routedStore() {
  const endpoint = inject('dynamoEndpoint');
  const table = `test-${newUlid().toLowerCase()}`;
  await ensureTable(createDocumentClient({ endpoint }), table);
  const sentAs: string[] = [];
  const clientFor = (tenantId: string) => {
    const doc = createDocumentClient({ endpoint });
    doc.middlewareStack.add(
      (next) => async (args) => {
        sentAs.push(tenantId);
        return next(args);
      },
      { step: 'initialize', name: 'recordTenant' },
    );
    return doc;
  };
  const base = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  base.middlewareStack.add(
    (next) => async (args) => {
      sentAs.push('(function)');
      return next(args);
    },
    { step: 'initialize', name: 'recordBase' },
  );
  const clients = new PerTenant(clientFor);
  const doc = TenantScopedDocumentClient.over(base, (t) => clients.get(t));
  return { store: new Store(doc, table), doc, table, sentAs };
}

describe('a store whose requests act as the tenant their keys name', () => {
  it('sends every request of a task as its tenant: create, events, plan, usage, listing', async () => {
    const { store, sentAs } = await routedStore();
    const task = await store.createTask('acme', { prompt: 'Write slugify', preference: 'balanced' });
    await store.transitionTask('acme', task.id, 'planning');
    await store.addTaskNote('acme', task.id, 'use kebab case');
    await store.listEvents('acme', task.id);
    await store.listTasks('acme');
    await store.getTaskRun('acme', task.id);
    await store.createTask('globex', { prompt: 'Other', preference: 'balanced' });
    await store.listTasks('globex');
    expect(sentAs.length).toBeGreaterThan(6);
    expect(new Set(sentAs)).toEqual(new Set(['acme', 'globex']));
    // The listings stayed apart, as before.
    expect((await store.listTasks('acme')).items.map((t) => t.id)).toEqual([task.id]);
  });

  it('refuses a transaction naming two tenants before it is sent, writing nothing', async () => {
    const { doc, table, sentAs } = await routedStore();
    const write = doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { ...keys.tenant('acme'), name: 'a' } } },
          { Put: { TableName: table, Item: { ...keys.tenant('globex'), name: 'g' } } },
        ],
      }),
    );
    await expect(write).rejects.toBeInstanceOf(CrossTenantRequest);
    await expect(write).rejects.toThrow(/2 tenants \(acme, globex\)/);
    expect(sentAs).toEqual([]);
    const plain = createDocumentClient({ endpoint: inject('dynamoEndpoint') });
    expect(
      (await plain.send(new GetCommand({ TableName: table, Key: keys.tenant('acme') }))).Item,
    ).toBeUndefined();
  });

  it('sends a request naming no tenant (the crash sweep) with the function’s own credentials', async () => {
    const { store, doc, sentAs } = await routedStore();
    expect(doc).toBeInstanceOf(DynamoDBDocumentClient);
    await store.listActiveTasks();
    expect(sentAs).toEqual(['(function)']);
  });
});

describe('a store acting for one tenant (a door set it)', () => {
  it("refuses a request naming another tenant's partition before it is sent, and sends its own as that tenant", async () => {
    const { store, sentAs } = await routedStore();
    const globex = await store.createTask('globex', { prompt: 'Other', preference: 'balanced' });
    sentAs.length = 0;
    await actAsTenant('acme', async () => {
      await expect(store.getTask('globex', globex.id)).rejects.toBeInstanceOf(TenantScopeViolation);
      await expect(store.listTasks('globex')).rejects.toBeInstanceOf(TenantScopeViolation);
      await store.createTask('acme', { prompt: 'Mine', preference: 'balanced' });
    });
    expect(sentAs.length).toBeGreaterThan(0);
    expect(new Set(sentAs)).toEqual(new Set(['acme']));
  });

  it("sends an API key item (APIKEY# partition, the tenant's GSI1PK) with the function's own credentials", async () => {
    const item = { ...apiKeyKeys.key('key_1'), ...apiKeyKeys.listing('acme', 'key_1') };
    expect([...tenantsOfRequest({ Item: item })]).toEqual(['acme']);
    expect([...leadingTenantsOfRequest({ Item: item })]).toEqual([]);
    const { doc, table, sentAs } = await routedStore();
    await actAsTenant('acme', () => doc.send(new PutCommand({ TableName: table, Item: item })));
    expect(sentAs).toEqual(['(function)']);
    await expect(
      actAsTenant('globex', () => doc.send(new PutCommand({ TableName: table, Item: item }))),
    ).rejects.toBeInstanceOf(TenantScopeViolation);
  });
});

describe('createTenantScopedDocumentClient (DynamoDB Local, STS mocked)', () => {
  afterEach(() => sts.reset());

  it("assumes the tenant role once per tenant and reuses each tenant's credentials until they near expiry", async () => {
    const endpoint = inject('dynamoEndpoint');
    const table = `test-${newUlid().toLowerCase()}`;
    await ensureTable(createDocumentClient({ endpoint }), table);
    sts.on(AssumeRoleCommand).callsFake((input: { Tags: { Value: string }[] }) => ({
      Credentials: {
        // DynamoDB Local takes any key id of letters and digits: each tenant session its own.
        AccessKeyId: `AK${input.Tags[0]?.Value}`,
        SecretAccessKey: 'SK',
        SessionToken: 'ST',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    }));
    const doc = createTenantScopedDocumentClient({
      region: 'us-east-1',
      endpoint,
      roleArn: 'arn:aws:iam::123456789012:role/TenantData',
      access: 'readWrite',
      sessionPrefix: 'CreateTask',
      sts: new STSClient({ region: 'us-east-1' }),
    });
    const store = new Store(doc, table);
    for (let i = 0; i < 3; i++) {
      await store.createTask('acme', { prompt: `a${i}`, preference: 'balanced' });
      await store.createTask('globex', { prompt: `g${i}`, preference: 'balanced' });
    }
    expect((await store.listTasks('acme')).items).toHaveLength(3);
    const calls = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.Tags?.[0]?.Value);
    expect(calls.sort()).toEqual(['acme', 'globex']);
  });
});

describe('tenantsOfRequest', () => {
  it('reads the partition of a query through a #name alias, and ignores sort keys and filters', () => {
    const tenants = tenantsOfRequest({
      IndexName: 'GSI1',
      KeyConditionExpression: '#pk = :pk AND begins_with(SK, :t)',
      FilterExpression: 'owner = :other',
      ExpressionAttributeNames: { '#pk': 'GSI1PK' },
      ExpressionAttributeValues: { ':pk': 'T#acme#TASKS', ':t': 'T#globex', ':other': 'T#globex#TASK#1' },
    });
    expect([...tenants]).toEqual(['acme']);
  });

  it('finds the one tenant of any key built by keys.ts', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_.:=+@-]{1,40}$/),
        fc.string({ maxLength: 20 }),
        (tenant, id) => {
          expect(tenantOfPartition(keys.task(tenant, id).PK)).toBe(tenant);
          expect(tenantOfPartition(keys.tenant(tenant).PK)).toBe(tenant);
          expect(tenantOfPartition(keys.taskListing(tenant, id).GSI1PK)).toBe(tenant);
        },
      ),
    );
  });
});

describe('tenantCredentials', () => {
  afterEach(() => sts.reset());

  it('assumes the tenant role tagged with the tenant, read-only functions narrowed by a session policy', async () => {
    const expiration = new Date(Date.now() + 3_600_000);
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'AK', SecretAccessKey: 'SK', SessionToken: 'ST', Expiration: expiration },
    });
    const client = new STSClient({ region: 'us-east-1' });
    const read = await tenantCredentials('org_2abc', {
      sts: client,
      roleArn: 'arn:aws:iam::123456789012:role/TenantData',
      access: 'read',
      sessionPrefix: 'ListTasks',
    })();
    expect(read).toEqual({ accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'ST', expiration });
    await tenantCredentials('org_2abc', {
      sts: client,
      roleArn: 'arn:aws:iam::123456789012:role/TenantData',
      access: 'readWrite',
      sessionPrefix: 'CreateTask',
    })();
    const [first, second] = sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input);
    expect(first).toMatchObject({
      RoleArn: 'arn:aws:iam::123456789012:role/TenantData',
      RoleSessionName: 'ListTasks-org_2abc',
      Tags: [{ Key: 'tenant', Value: 'org_2abc' }],
      Policy: READ_ONLY_SESSION_POLICY,
    });
    expect(second?.Policy).toBeUndefined();
    expect(JSON.parse(READ_ONLY_SESSION_POLICY).Statement[0].Action).not.toContain('dynamodb:PutItem');
  });

  it('refuses a tenant id that could widen the role policy (wildcards, path separators, #)', () => {
    for (const bad of ['acme*', 'a?', 'acme/../globex', 'acme#TASK', '', 'x'.repeat(129)]) {
      expect(() =>
        tenantCredentials(bad, {
          sts: new STSClient({ region: 'us-east-1' }),
          roleArn: 'arn:aws:iam::1:role/r',
          access: 'read',
          sessionPrefix: 'f',
        }),
      ).toThrow(TenantIdUnscopable);
    }
  });

  it('keeps one client per tenant, dropping the least recently used past the cap', () => {
    let made = 0;
    const per = new PerTenant((t) => ({ t, n: ++made }), 2);
    per.get('a');
    per.get('b');
    per.get('a');
    per.get('c');
    expect(per.size).toBe(2);
    expect(per.get('a').n).toBe(1);
    expect(per.get('b').n).toBe(4);
  });
});
