import { type Deps, useDeps } from '@techteam/shared/deps';
import { NotFound } from '@techteam/shared/errors';
import { log } from '@techteam/shared/observability';
import type { Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiHandler } from './http';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
  // The middleware reads the tenant's limits from the store; nothing else of the runtime.
  useDeps({ store } as Deps);
});
afterAll(() => useDeps(undefined));

const context = { awsRequestId: 'req-9', functionName: 'Techteam-Api-GetTask' } as Context;

function event(
  body?: string,
  tenantId: string | null = 't1',
  scopes = 'tasks:write',
  routeKey = 'POST /v1/tasks',
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey,
    rawPath: '/v1/tasks',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
    requestContext: {
      ...(tenantId ? { authorizer: { lambda: { tenantId, principal: 'u1', scopes } } } : {}),
    },
  } as unknown as APIGatewayProxyEventV2;
}

async function call(
  body: Parameters<typeof apiHandler>[0],
  e: APIGatewayProxyEventV2,
): Promise<{ status: number; json: Record<string, unknown>; headers: Record<string, unknown> }> {
  const result = (await apiHandler(body)(e, context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode!, json: JSON.parse(String(result.body)), headers: result.headers ?? {} };
}

afterEach(() => vi.restoreAllMocks());

describe('apiHandler', () => {
  it('hands the body the tenant and the parsed JSON, and answers with its status and body', async () => {
    const r = await call(
      async ({ tenant, body }) => ({ status: 201, body: { tenant, body } }),
      event('{"a":1}'),
    );
    expect(r).toMatchObject({
      status: 201,
      json: { tenant: { tenantId: 't1', principal: 'u1' }, body: { a: 1 } },
    });
  });

  it('answers 403 naming the scope when the credential lacks the one the route needs, and runs nothing', async () => {
    let ran = false;
    const body = async () => {
      ran = true;
      return { status: 200, body: {} };
    };
    const write = await call(body, event('{}', 't1', 'tasks:read'));
    const admin = await call(body, event(undefined, 't1', 'tasks:write', 'GET /v1/keys'));
    expect([write.status, admin.status]).toEqual([403, 403]);
    expect(write.json).toMatchObject({ error: { code: 'Forbidden', details: { required: 'tasks:write' } } });
    expect(admin.json).toMatchObject({ error: { details: { required: 'admin' } } });
    expect(ran).toBe(false);
    expect((await call(body, event(undefined, 't1', 'admin', 'GET /v1/keys'))).status).toBe(200);
  });

  it("answers 429 with Retry-After once the tenant's requests per minute are spent", async () => {
    await store.putTenant({ id: 'slow', name: 'slow', plan: 'free', requestsPerMinute: 3 });
    const ok = async () => ({ status: 200, body: {} });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(ok, event('{}', 'slow'))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await call(ok, event('{}', 'slow'));
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.json).toMatchObject({
      error: { code: 'RateLimited', details: { limit: 'requests_per_minute' } },
    });
    // Another tenant's bucket is its own.
    expect((await call(ok, event('{}', 'fast'))).status).toBe(200);
  });

  it('answers 401 when no authorizer gave a tenant', async () => {
    const r = await call(async () => ({ status: 200, body: {} }), event(undefined, null));
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ error: { code: 'Unauthorized' } });
  });

  it('answers 400 naming the body when it is not JSON', async () => {
    const r = await call(async () => ({ status: 200, body: {} }), event('{nope'));
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toContain('"body"');
  });

  it('answers a typed error with its own status and says what the user can act on', async () => {
    const r = await call(async () => Promise.reject(new NotFound('task', '01x')), event());
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: { code: 'NotFound' } });
  });

  it('logs an unexpected error and answers 500 without revealing it', async () => {
    const error = vi.spyOn(log, 'error').mockImplementation(() => {});
    const bug = new TypeError('secret internals');
    const r = await call(async () => Promise.reject(bug), event());
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.json)).not.toContain('secret internals');
    expect(error).toHaveBeenCalledWith('unhandled error', bug);
  });
});
