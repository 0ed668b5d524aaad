import { NotFound } from '@techteam/shared/errors';
import { log } from '@techteam/shared/runtime/log';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiHandler } from './http';

const context = { awsRequestId: 'req-9', functionName: 'Techteam-Api-GetTask' } as Context;

function event(body?: string, tenantId: string | null = 't1'): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /v1/tasks',
    rawPath: '/v1/tasks',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
    requestContext: {
      ...(tenantId ? { authorizer: { lambda: { tenantId, principal: 'u1' } } } : {}),
    },
  } as unknown as APIGatewayProxyEventV2;
}

async function call(
  body: Parameters<typeof apiHandler>[0],
  e: APIGatewayProxyEventV2,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const result = (await apiHandler(body)(e, context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode!, json: JSON.parse(String(result.body)) };
}

afterEach(() => vi.restoreAllMocks());

describe('apiHandler', () => {
  it('hands the body the tenant and the parsed JSON, and answers with its status and body', async () => {
    const r = await call(
      async ({ tenant, body }) => ({ status: 201, body: { tenant, body } }),
      event('{"a":1}'),
    );
    expect(r).toEqual({ status: 201, json: { tenant: { tenantId: 't1', principal: 'u1' }, body: { a: 1 } } });
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
