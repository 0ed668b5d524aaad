import middy, { type MiddlewareObj } from '@middy/core';
import { actAsTenant, deps } from '@techteam/shared/deps';
import type { TenantContext } from '@techteam/shared/domain';
import { InvalidInput, isTechteamError, TechteamError } from '@techteam/shared/errors';
import { admitRequest, hasScope, MissingScope, RateLimited, requiredScope } from '@techteam/shared/identity';
import { log } from '@techteam/shared/observability';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { countedFailures, doorLogging, doorTracing } from './middleware';

/** What an API handler body sees: the caller's tenant and the already-parsed JSON body. */
export interface ApiRequest {
  tenant: TenantContext;
  /** The caller's scopes, as the authorizer granted them (the route's own was checked already). */
  scopes: string[];
  body: unknown;
  path: Record<string, string>;
  query: Record<string, string>;
  event: APIGatewayProxyEventV2;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

/**
 * A response that is a file, not JSON: sent base64-encoded (`isBase64Encoded`), which
 * API Gateway decodes, so binary content arrives intact. `fileName` makes it a download.
 */
export interface FileResponse {
  status: number;
  file: { content: Buffer; contentType: string; fileName?: string };
}

type ApiEvent = APIGatewayProxyEventV2 & {
  techteam?: { tenant: TenantContext; scopes: string[]; body: unknown };
};

interface AuthorizerContext {
  lambda?: { tenantId?: string; principal?: string; scopes?: string };
}

/** Parses the JSON body and reads the tenant the authorizer established; refuses the request otherwise. */
const requestContext = (): MiddlewareObj<ApiEvent, APIGatewayProxyResultV2> => ({
  name: 'requestContext',
  before: ({ event }) => {
    const auth = (event.requestContext as { authorizer?: AuthorizerContext }).authorizer?.lambda;
    if (!auth?.tenantId)
      throw new TechteamError('Unauthorized', 401, 'No tenant: the request was not authorized');
    let body: unknown;
    if (event.body !== undefined && event.body !== null && event.body !== '') {
      const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      try {
        body = JSON.parse(text);
      } catch (e) {
        throw new InvalidInput(`Malformed JSON body: ${(e as Error).message}`, [
          { path: 'body', message: 'is not valid JSON' },
        ]);
      }
    }
    event.techteam = {
      tenant: { tenantId: auth.tenantId, principal: auth.principal ?? 'unknown' },
      scopes: (auth.scopes ?? '').split(' ').filter(Boolean),
      body,
    };
  },
});

/**
 * The route's scope (a rule on its method and path, see shared/identity/scopes.ts), then one
 * token of the tenant's request bucket. Both run before the handler, so a refused request
 * changes nothing.
 */
const access = (metered: boolean): MiddlewareObj<ApiEvent, APIGatewayProxyResultV2> => ({
  name: 'access',
  before: async ({ event }) => {
    const { tenant, scopes } = event.techteam!;
    const [method = 'GET', path = event.rawPath] = event.routeKey.split(' ');
    const required = requiredScope(method, path);
    if (!hasScope(scopes, required)) throw new MissingScope(required, scopes);
    if (metered) await admitRequest(deps().store, tenant.tenantId);
  },
});

function respond(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** Maps typed errors to their status; anything else is a 500 that reveals nothing internal. */
const errorResponse = (): MiddlewareObj<ApiEvent, APIGatewayProxyResultV2> => ({
  name: 'errorResponse',
  onError: (request) => {
    const error = request.error;
    if (isTechteamError(error)) {
      request.response = respond(
        error.status,
        error.toJSON(),
        error instanceof RateLimited ? { 'retry-after': String(error.retryAfterSeconds) } : {},
      );
      return;
    }
    log.error('unhandled error', error ?? 'no error object');
    request.response = respond(500, {
      error: { code: 'Internal', message: 'Internal error; it has been logged' },
    });
  },
});

function respondWithFile({ status, file }: FileResponse): APIGatewayProxyResultV2 {
  return {
    statusCode: status,
    headers: {
      'content-type': file.contentType,
      'cache-control': 'no-store',
      // The content is the team's, not ours: never let a browser guess it is a page or a script.
      'x-content-type-options': 'nosniff',
      ...(file.fileName
        ? { 'content-disposition': `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"` }
        : {}),
    },
    body: file.content.toString('base64'),
    isBase64Encoded: true,
  };
}

export interface ApiHandlerOptions {
  /**
   * Spend a token of the tenant's request bucket (default). Off only for answers compiled into
   * the function, which touch no table: the stage's throttling covers them.
   */
  metered?: boolean;
}

/** Wraps an API handler body with the middleware every route shares. */
export function apiHandler(
  body: (request: ApiRequest) => Promise<ApiResponse | FileResponse>,
  options: ApiHandlerOptions = {},
) {
  return middy<ApiEvent, APIGatewayProxyResultV2, Error, Context>()
    .use(doorLogging())
    .use(doorTracing() as MiddlewareObj<ApiEvent, APIGatewayProxyResultV2>)
    .use(countedFailures() as MiddlewareObj<ApiEvent, APIGatewayProxyResultV2>)
    .use(errorResponse())
    .use(requestContext())
    .use(access(options.metered ?? true))
    .handler(async (event) => {
      const { tenant, scopes, body: json } = event.techteam!;
      // Every store request and object key of the body is held to the caller's tenant (shared/store/acting-tenant.ts).
      const result = await actAsTenant(tenant.tenantId, () =>
        body({
          tenant,
          scopes,
          body: json,
          path: (event.pathParameters ?? {}) as Record<string, string>,
          query: (event.queryStringParameters ?? {}) as Record<string, string>,
          event,
        }),
      );
      return 'file' in result ? respondWithFile(result) : respond(result.status, result.body);
    });
}

/** What a door without a tenant sees: the body exactly as sent (a signature covers its bytes) and the headers. */
export interface UnauthenticatedRequest {
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
}

/**
 * Wraps a handler that no authorizer stands in front of (the Stripe webhook, which proves
 * itself by signature): the same logging and error mapping, but no tenant and no JSON parsing.
 */
export function unauthenticatedHandler(body: (request: UnauthenticatedRequest) => Promise<ApiResponse>) {
  return middy<ApiEvent, APIGatewayProxyResultV2, Error, Context>()
    .use(doorLogging())
    .use(doorTracing() as MiddlewareObj<ApiEvent, APIGatewayProxyResultV2>)
    .use(errorResponse())
    .handler(async (event) => {
      const raw = event.body ?? '';
      const result = await body({
        rawBody: Buffer.from(raw, event.isBase64Encoded ? 'base64' : 'utf8'),
        headers: Object.fromEntries(
          Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v as string | undefined]),
        ),
      });
      return respond(result.status, result.body);
    });
}
