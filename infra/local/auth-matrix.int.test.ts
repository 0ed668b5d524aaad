import { API_ROUTES, type RouteSpec } from '@techteam/functions/routes';
import { createApiKey, filePepper, requiredScope } from '@techteam/shared/identity';
import { TEST_AUTHORIZED_PARTY, type TestClerk, testClerk } from '@techteam/shared/testing/clerk-tokens';
import { hostTestConfig } from '@techteam/shared/testing/host';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { type Host, startHost } from './host';

const quiet = () => {};

/**
 * Every route × every credential case, against the local host with TECHTEAM_AUTH=required:
 * the same authorizer and middleware as on AWS. Routes come from functions/routes.ts, so a
 * route added there is in the matrix with nothing else to do.
 */
describe('auth on every route (TECHTEAM_AUTH=required)', () => {
  let host: Host;
  let clerk: TestClerk;
  const secrets: Record<string, string> = {};
  const ids = { task: '', key: '' };

  beforeAll(async () => {
    clerk = await testClerk();
    const config = hostTestConfig();
    host = await startHost({
      config,
      log: quiet,
      retryIntervalMs: 0,
      identityEnv: {
        TECHTEAM_AUTH: 'required',
        CLERK_JWT_KEY: clerk.jwtKey,
        CLERK_AUTHORIZED_PARTIES: TEST_AUTHORIZED_PARTY,
      },
    });
    const deps = {
      doc: host.store.doc,
      tableName: host.store.tableName,
      pepper: filePepper(config.TECHTEAM_DATA_DIR),
    };
    const key = async (
      tenantId: string,
      scopes: ('admin' | 'tasks:read' | 'tasks:write')[],
      expiresAt?: string,
    ) =>
      createApiKey(deps, {
        tenantId,
        name: 'matrix',
        scopes,
        createdBy: 'test',
        environment: 'test',
        ...(expiresAt ? { expiresAt } : {}),
      });
    const admin = await key('acme', ['admin']);
    secrets['admin'] = admin.key;
    secrets['reader'] = (await key('acme', ['tasks:read'])).key;
    secrets['globex'] = (await key('globex', ['admin'])).key;
    const revoked = await key('acme', ['admin']);
    const r = await fetch(`${host.url}/v1/keys/${revoked.record.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${admin.key}` },
    });
    expect(r.status).toBe(200);
    secrets['revoked'] = revoked.key;
    ids.key = revoked.record.id;
    const expiring = await key('acme', ['admin'], new Date(Date.now() + 1500).toISOString());
    secrets['expired'] = expiring.key;
    ids.task = (
      await host.store.createTask('acme', { prompt: 'acme secret task', preference: 'balanced' })
    ).id;
    secrets['expiredJwt'] = await clerk.sessionToken({
      userId: 'user_x',
      orgId: 'org_acme',
      expiresIn: -120,
    });
    secrets['otherParty'] = await clerk.sessionToken({
      userId: 'user_x',
      orgId: 'org_acme',
      azp: 'https://elsewhere.example',
    });
    // Let the expiring key pass its expiry (the one wait in this file; it is the behaviour under test).
    await new Promise((ok) =>
      setTimeout(ok, Math.max(0, Date.parse(expiring.record.validUntil!) - Date.now() + 50)),
    );
  });
  afterAll(async () => {
    await host?.stop();
  });

  const pathOf = (route: RouteSpec) =>
    route.path
      .replace(
        '{id}',
        route.path.startsWith('/v1/tasks/')
          ? ids.task
          : route.path.startsWith('/v1/keys/')
            ? ids.key
            : 'researcher',
      )
      .replace('{path+}', 'README.md');

  const call = (route: RouteSpec, authorization?: string) =>
    fetch(`${host.url}${pathOf(route)}`, {
      method: route.method,
      headers: {
        ...(authorization !== undefined ? { authorization } : {}),
        ...(route.method === 'GET' || route.method === 'DELETE'
          ? {}
          : { 'content-type': 'application/json' }),
      },
      ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '{}' }),
    });

  const refusedCases: [string, () => string | undefined][] = [
    ['no credential', () => undefined],
    ['a malformed credential', () => 'Bearer not-a-credential'],
    ['an unknown key', () => `Bearer tt_test_0000000000000000_${'A'.repeat(40)}`],
    ['a revoked key', () => `Bearer ${secrets['revoked']}`],
    ['an expired key', () => `Bearer ${secrets['expired']}`],
    ['an expired Clerk session', () => `Bearer ${secrets['expiredJwt']}`],
    ['a Clerk session for another authorized party', () => `Bearer ${secrets['otherParty']}`],
  ];

  // The public config and the signed webhook have no authorizer in front of them, as on AWS.
  const guarded = API_ROUTES.filter((r) => r.auth === undefined);
  for (const [name, credential] of refusedCases) {
    it(`answers 401 on every guarded route to ${name}`, async () => {
      const statuses = await Promise.all(
        guarded.map(async (r) => `${r.method} ${r.path} ${(await call(r, credential())).status}`),
      );
      expect(statuses).toEqual(guarded.map((r) => `${r.method} ${r.path} 401`));
    });
  }

  it('answers GET /v1/config to a caller with no credential: sign-in required, and how', async () => {
    const res = await fetch(`${host.url}/v1/config`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ auth: 'required', apiUrl: host.url });
  });

  it('lets a Clerk org admin and an admin key through on every route (no 401, 403 or 500)', async () => {
    // The handlers' logger (Powertools) writes errors to stderr; a 500's cause is only there.
    const logged: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) => {
      logged.push(String(chunk));
      return write(chunk as string, ...rest);
    }) as typeof process.stderr.write);
    onTestFinished(() => spy.mockRestore());
    const session = await clerk.sessionToken({
      userId: 'user_admin',
      orgId: 'org_acme',
      orgRole: 'org:admin',
    });
    for (const credential of [`Bearer ${session}`, `Bearer ${secrets['admin']}`]) {
      const answers = await Promise.all(
        API_ROUTES.map(async (r) => {
          const res = await call(r, credential);
          return { route: `${r.method} ${r.path}`, status: res.status, body: await res.text() };
        }),
      );
      // Name the route, its answer and what the handler logged, so a failure says where to look.
      const refused = answers.filter((a) => a.status === 401 || a.status === 403 || a.status >= 500);
      expect(refused, logged.filter((l) => l.includes('unhandled error')).join('\n')).toEqual([]);
    }
  });

  it('answers 403 on every route whose scope a tasks:read key lacks, and lets it read', async () => {
    // The Stripe webhook takes no key (its caller proves itself by signature), nor does the public config.
    const keyed = API_ROUTES.filter((r) => r.auth === undefined);
    const got = await Promise.all(
      keyed.map(async (r) => {
        const res = await call(r, `Bearer ${secrets['reader']}`);
        const needs = requiredScope(r.method, r.path);
        return `${r.method} ${r.path} ${needs === 'tasks:read' ? (res.status === 403 || res.status === 401 || res.status >= 500 ? res.status : 'allowed') : res.status}`;
      }),
    );
    expect(got).toEqual(
      keyed.map(
        (r) => `${r.method} ${r.path} ${requiredScope(r.method, r.path) === 'tasks:read' ? 'allowed' : 403}`,
      ),
    );
  });

  it("answers another tenant's task or key exactly as a missing one (404), and never shows its data", async () => {
    for (const route of API_ROUTES) {
      const res = await call(route, `Bearer ${secrets['globex']}`);
      const text = await res.text();
      expect(res.status, `${route.method} ${route.path}`).toBeLessThan(500);
      expect([401, 403], `${route.method} ${route.path}`).not.toContain(res.status);
      if (/^\/v1\/(tasks|keys)\/\{id\}/.test(route.path))
        expect(res.status, `${route.method} ${route.path}: ${text}`).toBe(404);
      expect(text).not.toContain('acme secret task');
      if (!route.path.includes('{id}')) expect(text).not.toContain(ids.task);
    }
  });

  it('never answers a fuzzed body or path with a 500 (bounded)', async () => {
    for (const route of API_ROUTES) {
      await fc.assert(
        fc.asyncProperty(
          fc.string({ maxLength: 40 }),
          fc.jsonValue({ maxDepth: 2 }),
          async (segment, body) => {
            const path = route.path
              .replace('{id}', encodeURIComponent(segment) || 'x')
              .replace('{path+}', encodeURIComponent(segment) || 'x');
            const res = await fetch(`${host.url}${path}`, {
              method: route.method,
              headers: { authorization: `Bearer ${secrets['globex']}`, 'content-type': 'application/json' },
              ...(route.method === 'GET' ? {} : { body: JSON.stringify(body) }),
            });
            await res.arrayBuffer();
            return res.status < 500;
          },
        ),
        { numRuns: 4, seed: 14 },
      );
    }
  });
});

describe('keys, audit and limits through the API (TECHTEAM_AUTH=required)', () => {
  let host: Host;
  let admin = '';
  const api = (path: string, init: RequestInit = {}, key = admin) =>
    fetch(`${host.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    const config = hostTestConfig();
    host = await startHost({
      config,
      log: quiet,
      retryIntervalMs: 0,
      identityEnv: { TECHTEAM_AUTH: 'required' },
    });
    const deps = {
      doc: host.store.doc,
      tableName: host.store.tableName,
      pepper: filePepper(config.TECHTEAM_DATA_DIR),
    };
    admin = (
      await createApiKey(deps, {
        tenantId: 'initech',
        name: 'root',
        scopes: ['admin'],
        createdBy: 'bootstrap',
        environment: 'test',
      })
    ).key;
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('creates a key shown once, lists it without its secret, and a revoke stops it at once', async () => {
    const created = await api('/v1/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'ci', scopes: ['tasks:read'] }),
    });
    expect(created.status).toBe(201);
    const { key, apiKey } = (await created.json()) as { key: string; apiKey: { id: string; prefix: string } };
    expect(key.startsWith(`${apiKey.prefix}_`)).toBe(true);
    expect((await api('/v1/tasks', {}, key)).status).toBe(200);
    const listed = await (await api('/v1/keys')).text();
    expect(listed).toContain(apiKey.id);
    expect(listed).not.toContain(key.split('_').at(-1));
    expect(listed).not.toContain('"hash"');
    expect((await api(`/v1/keys/${apiKey.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await api('/v1/tasks', {}, key)).status).toBe(401);
    const bad = await api('/v1/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'x', scopes: ['root'] }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('scopes');
  });

  it('records key, settings and employee changes in the audit trail, newest first', async () => {
    await api('/v1/settings', { method: 'PUT', body: JSON.stringify({ approvalThresholdUsd: 2 }) });
    const { records } = (await (await api('/v1/audit')).json()) as {
      records: { action: string; actor: string; at: string }[];
    };
    const actions = records.map((r) => r.action);
    expect(actions[0]).toBe('settings_changed');
    expect(actions).toEqual(expect.arrayContaining(['key_created', 'key_revoked']));
    expect(records.every((r) => r.actor.startsWith('key:') || r.actor === 'bootstrap')).toBe(true);
  });

  it('answers 429 naming the running-task limit when the tenant has its cap of unfinished tasks', async () => {
    await host.store.putTenant({ id: 'initech', name: 'initech', plan: 'free', maxRunningTasks: 1 });
    await host.store.createTask('initech', { prompt: 'already queued', preference: 'balanced' });
    const res = await api('/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({ prompt: 'one more task please' }),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: { details: { limit: 'running_tasks', allowed: 1 } } });
  });
});

describe('local mode', () => {
  it('refuses to start on a non-loopback address without TECHTEAM_AUTH=required, naming the variable', async () => {
    await expect(
      startHost({ config: hostTestConfig({ TECHTEAM_HOST: '0.0.0.0' }), log: quiet, identityEnv: {} }),
    ).rejects.toMatchObject({ code: 'ConfigInvalid', details: { variable: 'TECHTEAM_AUTH' } });
  });
});
