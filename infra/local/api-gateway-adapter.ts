import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RouteSpec } from '@techteam/functions/routes';
import { InvalidInput } from '@techteam/shared/errors';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';

export interface RouteMatch {
  route: RouteSpec;
  pathParameters: Record<string, string>;
}

function decodeSegment(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new InvalidInput(`Invalid path: ${name} is not a valid URL-encoded value`, [
      { path: name, message: 'is not valid percent-encoding' },
    ]);
  }
}

/**
 * Matches a request against API Gateway-style route paths: `{id}` takes one
 * segment, a last `{path+}` (greedy) takes the rest, one or more segments.
 */
export function matchRoute(
  routes: readonly RouteSpec[],
  method: string,
  path: string,
): RouteMatch | { allowed: string[] } | undefined {
  const allowed: string[] = [];
  const parts = path.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    const greedy = /^\{(\w+)\+\}$/.exec(pattern.at(-1) ?? '')?.[1];
    if (greedy ? parts.length < pattern.length : pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = pattern.every((seg, i) => {
      if (greedy && i === pattern.length - 1) {
        params[greedy] = parts
          .slice(i)
          .map((p) => decodeSegment(greedy, p))
          .join('/');
        return true;
      }
      const m = /^\{(\w+)\}$/.exec(seg);
      if (m) {
        params[m[1]!] = decodeSegment(m[1]!, parts[i]!);
        return true;
      }
      return seg === parts[i];
    });
    if (!ok) continue;
    if (route.method === method) return { route, pathParameters: params };
    allowed.push(route.method);
  }
  return allowed.length ? { allowed } : undefined;
}

/**
 * Builds the API Gateway HTTP API (payload v2.0) event Lambda would receive, so
 * the same handler runs locally. The local host has one tenant, `local`, which
 * it passes where the authorizer's context goes on AWS.
 */
export function toApiGatewayEvent(
  req: IncomingMessage,
  body: string,
  match: RouteMatch,
  tenant: { tenantId: string; principal: string },
): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] ? `${query[k]},${v}` : v;
  const now = new Date();
  const routeKey = `${match.route.method} ${match.route.path}`;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: match.route.method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: { lambda: tenant },
    },
    ...(body ? { body } : {}),
    isBase64Encoded: false,
  };
  return event as unknown as APIGatewayProxyEventV2;
}

export function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * Normalises a Lambda proxy result (a string or an object) to status, headers and body.
 * A base64-encoded body is decoded to bytes, as API Gateway does: binary content stays intact.
 */
export function fromApiGatewayResult(result: APIGatewayProxyResultV2): {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
} {
  if (typeof result === 'string')
    return { status: 200, headers: { 'content-type': 'application/json' }, body: result };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k] = String(v);
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
  return { status: result.statusCode ?? 200, headers, body };
}
