/**
 * API Gateway events for calling a door's handler directly, as a Lambda receives them: the
 * route key comes from the manifest entry, and the authorizer's context grants the route's own
 * scope unless a test says otherwise. One builder, so a change in what the doors read (the
 * identity middleware reads `routeKey` and `scopes`) is made once for every test.
 */
import { requiredScope } from '@techteam/shared/identity';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ROUTE_LAMBDAS } from '../manifest';

export interface DoorEventOptions {
  /** Path parameters, e.g. `{ id: task.taskId }`. */
  path?: Record<string, string>;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  tenantId?: string;
  principal?: string;
  /** Defaults to the one scope the route requires. */
  scopes?: readonly string[];
}

/** The event API Gateway sends for the manifest route named `name` (e.g. `ListFiles`). */
export function doorEvent(name: string, options: DoorEventOptions = {}): APIGatewayProxyEventV2 {
  const route = ROUTE_LAMBDAS.find((r) => r.name === name);
  if (!route) throw new Error(`No route named ${name} in functions/manifest.ts`);
  const scopes = options.scopes ?? [requiredScope(route.method, route.path)];
  const rawPath = route.path.replace(/\{(\w+)\+?\}/g, (_, key: string) => options.path?.[key] ?? key);
  return {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath,
    rawQueryString: new URLSearchParams(options.query ?? {}).toString(),
    headers: options.headers ?? {},
    isBase64Encoded: false,
    pathParameters: options.path ?? {},
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    requestContext: {
      authorizer: {
        lambda: {
          tenantId: options.tenantId ?? 'acme',
          principal: options.principal ?? 'key_1',
          scopes: scopes.join(' '),
        },
      },
    },
  } as unknown as APIGatewayProxyEventV2;
}

export const doorContext = {
  functionName: 'test',
  awsRequestId: 'r1',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

type Door = (event: never, context: never) => Promise<unknown>;

/** Calls a door's exported handler as the Lambda runtime would. */
export const callDoor = async (handler: Door, event: unknown) =>
  (await handler(event as never, doorContext as never)) as APIGatewayProxyStructuredResultV2;
