import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys, type Store } from '../store';
import { TEST_AUTHORIZED_PARTY, type TestClerk, testClerk } from '../testing/clerk-tokens';
import { freshStore } from '../testing/dynamo';
import { createApiKey, revokeApiKey } from './api-keys';
import { type AuthorizeDeps, authorize, credentialFrom } from './authorize';
import { tenantIdForClerk } from './clerk';
import { Unauthenticated } from './errors';
import { filePepper } from './pepper';

let store: Store;
let clerk: TestClerk;
let deps: AuthorizeDeps;

beforeAll(async () => {
  store = await freshStore();
  clerk = await testClerk();
  deps = {
    doc: store.doc,
    tableName: store.tableName,
    pepper: filePepper(mkdtempSync(join(tmpdir(), 'techteam-pepper-'))),
    clerk: { jwtKey: clerk.jwtKey, authorizedParties: [TEST_AUTHORIZED_PARTY] },
  };
});

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'authorized',
    (e: unknown) => (e instanceof Unauthenticated ? `401 ${e.reason}` : `other ${String(e)}`),
  );

const newKey = (over: Partial<Parameters<typeof createApiKey>[1]> = {}) =>
  createApiKey(deps, {
    tenantId: 'acme',
    name: 'ci',
    scopes: ['tasks:read'],
    createdBy: 'user:u1',
    environment: 'test',
    ...over,
  });

describe('API keys', () => {
  it('authorizes a new key as its tenant with its scopes, and stores only an HMAC of it', async () => {
    const { key, record } = await newKey({ scopes: ['tasks:write'] });
    expect(key).toMatch(/^tt_test_[a-z0-9]{16}_[A-Za-z0-9]{40}$/);
    await expect(authorize(key, deps)).resolves.toEqual({
      tenantId: 'acme',
      principal: `key:${record.id}`,
      scopes: ['tasks:write'],
    });
    const all = await store.doc.send(new ScanCommand({ TableName: store.tableName }));
    const secret = key.split('_').at(-1)!;
    expect(JSON.stringify(all.Items)).not.toContain(secret);
    expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses malformed, unknown, wrong-secret, revoked and expired keys alike with 401', async () => {
    const { key, record } = await newKey();
    const other = await newKey();
    const expired = await newKey({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    await revokeApiKey(deps, 'acme', other.record.id, 'user:u1');
    const flipped = key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a');
    const results = await Promise.all(
      [
        undefined,
        '',
        'tt_test_short',
        'tt_test_0000000000000000_' + 'A'.repeat(40),
        flipped,
        other.key,
        expired.key,
      ].map((c) => refusal(authorize(c, deps))),
    );
    expect(results).toEqual([
      '401 no credential',
      '401 no credential',
      '401 malformed API key',
      '401 unknown API key',
      '401 unknown API key',
      '401 revoked API key',
      '401 expired API key',
    ]);
    await expect(authorize(`Bearer ${key}`.replace('Bearer ', ''), deps)).resolves.toMatchObject({
      principal: `key:${record.id}`,
    });
  });

  it('refuses a key of the other environment', async () => {
    const { key } = await newKey({ environment: 'live' });
    expect(await refusal(authorize(key.replace('tt_live_', 'tt_test_'), deps))).toBe(
      '401 API key of another environment',
    );
  });

  it('records last use at most once a minute', async () => {
    const { key, record } = await newKey();
    await authorize(key, deps);
    const first = (await new ApiKeys(store.doc, store.tableName).find(record.id))?.lastUsedAt;
    expect(first).toBeDefined();
    await authorize(key, deps);
    await authorize(key, deps);
    expect((await new ApiKeys(store.doc, store.tableName).find(record.id))?.lastUsedAt).toBe(first);
  });

  it('lets a tenant revoke only its own keys; another tenant gets NotFound and the key keeps working', async () => {
    const { key, record } = await newKey();
    await expect(revokeApiKey(deps, 'globex', record.id, 'user:u9')).rejects.toMatchObject({ status: 404 });
    await expect(authorize(key, deps)).resolves.toMatchObject({ tenantId: 'acme' });
    expect((await new ApiKeys(store.doc, store.tableName).list('globex')).map((k) => k.id)).not.toContain(
      record.id,
    );
  });

  it('reads the credential from a Bearer header or bare', () => {
    expect(credentialFrom('Bearer abc')).toBe('abc');
    expect(credentialFrom('bearer  abc ')).toBe('abc');
    expect(credentialFrom('abc')).toBe('abc');
    expect(credentialFrom('  ')).toBeUndefined();
  });
});

describe('Clerk sessions', () => {
  it('maps an org admin to admin and a member to tasks, in the org tenant', async () => {
    const admin = await authorize(
      await clerk.sessionToken({ userId: 'user_A', orgId: 'org_Acme', orgRole: 'org:admin' }),
      deps,
    );
    const member = await authorize(
      await clerk.sessionToken({ userId: 'user_B', orgId: 'org_Acme', orgRole: 'org:member' }),
      deps,
    );
    expect(admin.tenantId).toBe(tenantIdForClerk({ userId: 'x', orgId: 'org_Acme' }));
    expect(member.tenantId).toBe(admin.tenantId);
    expect(admin.scopes).toContain('admin');
    expect(member.scopes).toEqual(['tasks:read', 'tasks:write']);
    expect(member.principal).toBe('user:user_B');
    expect((await store.getTenant(admin.tenantId))?.origin).toBe('org_Acme');
  });

  it('gives a user without an organization a personal tenant', async () => {
    const me = await authorize(await clerk.sessionToken({ userId: 'user_Solo' }), deps);
    expect(me.tenantId).toMatch(/^usr-[0-9a-f]{32}$/);
    expect((await store.getTenant(me.tenantId))?.origin).toBe('user_Solo');
  });

  it('refuses an expired token, one for another authorized party, and one signed by another key', async () => {
    const stranger = await testClerk();
    const results = await Promise.all([
      refusal(authorize(await clerk.sessionToken({ userId: 'u', expiresIn: -60 }), deps)),
      refusal(authorize(await clerk.sessionToken({ userId: 'u', azp: 'https://evil.example' }), deps)),
      refusal(authorize(await stranger.sessionToken({ userId: 'u' }), deps)),
      refusal(authorize('not.a.jwt!', deps)),
    ]);
    expect(results[0]).toMatch(/^401 Clerk token refused: .*expired/i);
    expect(results[1]).toMatch(/^401 Clerk token refused: .*(azp|authorized)/i);
    expect(results[2]).toMatch(/^401 Clerk token refused/);
    expect(results[3]).toBe('401 malformed credential');
  });

  it('refuses every session token when Clerk is not configured', async () => {
    const { clerk: _off, ...keysOnly } = deps;
    expect(await refusal(authorize(await clerk.sessionToken({ userId: 'u' }), keysOnly))).toBe(
      '401 Clerk sign-in is not configured',
    );
  });

  it('makes exactly two tenants from the concurrent first requests of 20 users in each of two organizations', async () => {
    const fresh = await freshStore();
    const freshDeps = { ...deps, doc: fresh.doc, tableName: fresh.tableName };
    const tokens = await Promise.all(
      ['org_Initech', 'org_Hooli'].flatMap((orgId) =>
        Array.from({ length: 20 }, (_, i) => clerk.sessionToken({ userId: `user_${orgId}_${i}`, orgId })),
      ),
    );
    const callers = await Promise.all(tokens.map((t) => authorize(t, freshDeps)));
    expect(new Set(callers.map((c) => c.tenantId)).size).toBe(2);
    const tenants = await fresh.doc.send(
      new ScanCommand({
        TableName: fresh.tableName,
        FilterExpression: 'entity = :t',
        ExpressionAttributeValues: { ':t': 'tenant' },
      }),
    );
    expect(tenants.Items?.map((t) => t['origin']).sort()).toEqual(['org_Hooli', 'org_Initech']);
  });
});
