/**
 * The manifest (./manifest.ts) read the ways the local host and the stacks ask for it: the HTTP
 * routes, the Task states by name, and a handler by its file.
 */
import type { TaskStateName } from '@techteam/shared/workflow';
import {
  LAMBDAS,
  LIVE_LAMBDAS,
  ROUTE_LAMBDAS,
  type RouteAuth,
  SCHEDULED_LAMBDAS,
  STATE_LAMBDAS,
} from './manifest';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Lambda name suffix and CDK construct id. */
  name: string;
  /** Handler file, relative to functions/. */
  file: string;
  /**
   * `signature`: no authorizer in front of it; the handler verifies the caller's signature
   * over the raw body (the Stripe webhook). `public`: no authorizer, no tenant (GET /v1/config).
   * Absent: the tenant authorizer.
   */
  auth?: RouteAuth;
}

export const API_ROUTES: readonly RouteSpec[] = ROUTE_LAMBDAS.map(({ method, path, name, file, auth }) => ({
  method,
  path,
  name,
  file,
  ...(auth ? { auth } : {}),
}));

/** Handlers run on a schedule (EventBridge on AWS, a timer on the local host), by name. */
export const SCHEDULED_HANDLERS: Record<string, { file: string; everyMinutes: number }> = Object.fromEntries(
  SCHEDULED_LAMBDAS.map((l) => [l.name, { file: l.file, everyMinutes: l.everyMinutes }]),
);

/** The WebSocket API's routes (API Gateway route key → handler file); the local host serves the same. */
export const LIVE_ROUTES = Object.fromEntries(
  [LIVE_LAMBDAS.connect, LIVE_LAMBDAS.disconnect, LIVE_LAMBDAS.message].flatMap((l) =>
    l.routeKeys.map((key) => [key, l.file]),
  ),
) as Record<'$connect' | '$disconnect' | 'subscribe' | 'unsubscribe' | 'ping' | '$default', string>;

/** The WebSocket API's `$connect` authorizer and the table stream's fan-out. */
export const LIVE_FUNCTIONS = {
  authorizer: LIVE_LAMBDAS.authorizer.file,
  fanOut: LIVE_LAMBDAS.fanOut.file,
} as const;

/** Task state name (as in shared/workflow's ASL) → handler file. */
export const WORKFLOW_HANDLERS = Object.fromEntries(STATE_LAMBDAS.map((s) => [s.name, s.file])) as Record<
  TaskStateName,
  string
>;

export type AnyHandler = (event: never, context?: never) => Promise<unknown>;

/** Loads a handler module by its file name (for the local host). */
export async function loadHandler(file: string): Promise<AnyHandler> {
  const load = LAMBDAS.find((l) => l.file === file)?.load;
  if (!load) throw new Error(`No handler file ${file} in functions/manifest.ts`);
  return (await load()).handler as AnyHandler;
}

/** Every handler file. */
export const HANDLER_FILES = LAMBDAS.map((l) => l.file);
