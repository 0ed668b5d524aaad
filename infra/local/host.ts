import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AuthorizerContext,
  handler as authorizer,
  toContext,
} from '@techteam/functions/auth/authorizer';
import { useIdentityEnvironment } from '@techteam/functions/auth/identity-deps';
import { ROUTE_LAMBDAS, STATE_LAMBDAS } from '@techteam/functions/manifest';
import { loadHandler } from '@techteam/functions/routes';
import { builtInProfiles, type CodeSandbox, teamSandbox } from '@techteam/shared/agents';
import type { Config } from '@techteam/shared/config';
import { actAsTenant, type Deps, useDeps } from '@techteam/shared/deps';
import { teamGateway } from '@techteam/shared/deps/team-gateway';
import { PortInUse, TechteamError } from '@techteam/shared/errors';
import { ModelDirectory } from '@techteam/shared/gateway/catalog';
import {
  assertSafeListen,
  authRequired,
  LOCAL_PRINCIPAL,
  loadIdentityConfig,
  Unauthenticated,
} from '@techteam/shared/identity';
import { type AuthorizeConnect, authorizeLocalTenant, LiveUnauthorized } from '@techteam/shared/live';
import { loadMemoryConfig, memoryFromConfig } from '@techteam/shared/memory';
import { LanceDbIndex } from '@techteam/shared/memory/lancedb';
import { LocalSandbox, SandboxUnavailable } from '@techteam/shared/sandbox';
import {
  createDocumentClient,
  type EngineExit,
  ensureTable,
  type LocalDynamo,
  Store,
  StoreMeter,
  StoreUnavailable,
  startLocalDynamo,
  storeProblem,
} from '@techteam/shared/store';
import {
  type Invocation,
  resumeInterruptedTasks,
  TaskSignals,
  type TaskStateName,
  type TeamModels,
} from '@techteam/shared/workflow';
import { LocalWorkflowEngine, type TaskStateHandler } from '@techteam/shared/workflow/local-engine';
import { reconcileExecution } from '@techteam/shared/workflow/reconcile';
import { LocalWorkspace } from '@techteam/shared/workspace';
import { fromApiGatewayResult, lambdaContext, matchRoute, toApiGatewayEvent } from './api-gateway-adapter';
import { billingLine } from './billing-line';
import { type LiveGateway, startLiveGateway } from './live-server';
import { type RequestGuard, requestGuard } from './request-guard';
import { startSchedules } from './schedules';
import { WebFiles } from './web-files';

const here = dirname(fileURLToPath(import.meta.url));
const WEB_PLACEHOLDER = resolve(here, '../../web/public/index.html');
/** The dashboard's static export (`npm run build -w web`); the placeholder page until it exists. */
const WEB_EXPORT = resolve(here, '../../web/out');
const MAX_BODY_BYTES = 1024 * 1024;
/** `/healthz` asks the store once per request; a store slower than this reads as down. */
const HEALTH_PROBE_TIMEOUT_MS = 1_000;
/** Engine deaths tolerated within ENGINE_RESTART_WINDOW_MS before the host gives up. */
const MAX_ENGINE_RESTARTS = 3;
const ENGINE_RESTART_WINDOW_MS = 10 * 60_000;
export const LOCAL_TENANT = { tenantId: 'local', principal: 'local-user' };

export interface HostOptions {
  config: Config;
  /** Keep the store in memory only. */
  ephemeral?: boolean;
  /** Where start-up and shutdown lines go. */
  log?: (line: string) => void;
  /** For tests: milliseconds between workflow retries (default: the definition's own). */
  retryIntervalMs?: number;
  /** For tests: the models the team thinks with (default: what the environment's keys allow). */
  models?: (store: Store) => TeamModels;
  /** The sandbox Dev and QA run code in (default: the local sandbox). */
  sandbox?: CodeSandbox;
  /** For benches: told when each Task state's handler started and ended (performance.now() ms). */
  onStateTimed?: (timing: StateTiming) => void;
  /** How many times DynamoDB Local may die within 10 minutes and be restarted (default 3). */
  maxEngineRestarts?: number;
  /** The dashboard's static export to serve at `/` (default web/out). */
  webRoot?: string;
  /** For tests: the environment identity reads (TECHTEAM_AUTH, CLERK_*); default process.env. */
  identityEnv?: Record<string, string | undefined>;
  /** Who a live WebSocket connection is, from its `token` (default: the local tenant, no credential). */
  authorizeLive?: AuthorizeConnect;
}

export interface StateTiming {
  state: TaskStateName;
  input: unknown;
  startMs: number;
  endMs: number;
}

export interface Host {
  url: string;
  store: Store;
  engine: LocalWorkflowEngine;
  dynamo: LocalDynamo | undefined;
  /** Resolves (with the reason) if the host stops itself: its store engine kept dying. */
  failed: Promise<TechteamError>;
  stop(): Promise<void>;
}

/** The local sandbox at the configured isolation; none (with the reason logged) when it cannot run here. */
function localSandbox(isolation: 'bwrap' | 'gvisor', log: (line: string) => void): CodeSandbox | undefined {
  try {
    const describe =
      isolation === 'bwrap'
        ? 'bwrap: namespaces, no network, read-only system, a uid and cgroups per job'
        : 'gvisor: runsc --rootless --network=none with an OCI bundle';
    return teamSandbox(new LocalSandbox({ isolation }), describe);
  } catch (e) {
    if (e instanceof SandboxUnavailable) {
      log(`  Sandbox    unavailable: ${e.message}`);
      return undefined;
    }
    throw e;
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((ok, fail) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      fail(e.code === 'EADDRINUSE' ? new PortInUse(port, 'TECHTEAM_PORT') : e);
    };
    const onListening = () => {
      server.off('error', onError);
      ok();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () =>
      new TechteamError('PayloadTooLarge', 413, `The body is larger than ${MAX_BODY_BYTES} bytes`);
    req.on('data', (c: Buffer) => {
      size += c.length;
      // Read on (and drop) what is over the limit, so the client gets the 413 rather than a
      // reset connection; a body far past it is cut off all the same.
      if (size > 16 * MAX_BODY_BYTES) {
        fail(tooLarge());
        req.destroy();
        return;
      }
      if (size > MAX_BODY_BYTES) return;
      chunks.push(c);
    });
    req.on('end', () =>
      size > MAX_BODY_BYTES ? fail(tooLarge()) : ok(Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', fail);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Boots the whole product in one process: DynamoDB Local, the table, the
 * workflow interpreter with the functions/ handlers, and the HTTP API.
 */
export async function startHost(options: HostOptions): Promise<Host> {
  const { config } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const identityEnv = { ...(options.identityEnv ?? process.env), TECHTEAM_HOST: config.TECHTEAM_HOST };
  const identity = loadIdentityConfig(identityEnv);
  // Beyond loopback, a host without auth would serve anyone on the network as the local tenant.
  assertSafeListen(identity);
  const checkCredentials = authRequired(identity);
  let ready = false;
  // Set while the store's engine is down (it died and is being restarted): requests get a 503.
  let storeDown: string | undefined;
  let probeStore: (() => Promise<string | undefined>) | undefined;

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      const status = e instanceof TechteamError ? e.status : 500;
      const body =
        e instanceof TechteamError
          ? e.toJSON()
          : { error: { code: 'Internal', message: 'Internal error in the host' } };
      if (!(e instanceof TechteamError)) console.error(e);
      if (!res.headersSent) sendJson(res, status, body);
    });
  });

  let guard: RequestGuard | undefined;
  const web = new WebFiles(options.webRoot ?? WEB_EXPORT);

  /**
   * The caller, from the same authorizer API Gateway runs: with auth off and no credential, the
   * local tenant; a credential presented is always checked.
   */
  async function callerOf(req: IncomingMessage, routeKey: string): Promise<AuthorizerContext> {
    const authorization = req.headers.authorization;
    if (!checkCredentials && !authorization) return toContext(LOCAL_PRINCIPAL);
    try {
      const result = await authorizer({
        version: '2.0',
        type: 'REQUEST',
        routeArn: `arn:aws:execute-api:local:000000000000:local/$default/${routeKey.replace(' ', '')}`,
        identitySource: authorization ? [authorization] : [],
        routeKey,
        rawPath: req.url ?? '/',
        rawQueryString: '',
        headers: authorization ? { authorization } : {},
        requestContext: {} as never,
      } as never);
      if (result.isAuthorized && result.context) return result.context;
    } catch (e) {
      if (!(e instanceof Error && e.message === 'Unauthorized')) throw e;
    }
    // What API Gateway answers when the authorizer refuses.
    throw new Unauthenticated('refused by the authorizer');
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const problem = guard?.check(req);
    if (problem) {
      // The body is read and dropped, so the client sees the answer, not a reset connection.
      req.resume();
      return sendJson(res, problem.status, problem.toJSON());
    }
    const cors = guard?.corsHeaders(req) ?? {};
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (req.method === 'OPTIONS') {
      res.writeHead(204);
      res.end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isApi = url.pathname.startsWith('/v1/') || url.pathname === '/healthz';
    if (req.method === 'GET' && !isApi && web.built) {
      const file = await web.read(url.pathname);
      res.writeHead(file.status, file.headers);
      res.end(file.body);
      return;
    }
    if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(await readFile(WEB_PLACEHOLDER));
      return;
    }
    if (url.pathname === '/healthz') {
      const problem = storeDown ?? (ready ? await probeStore?.() : 'the host is still starting');
      return problem
        ? sendJson(res, 503, { ready: false, reason: problem })
        : sendJson(res, 200, { ready: true, store: 'answering' });
    }
    const match = matchRoute(ROUTE_LAMBDAS, req.method ?? 'GET', url.pathname);
    if (!match) {
      return sendJson(res, 404, {
        error: { code: 'RouteNotFound', message: `No route ${req.method} ${url.pathname}` },
      });
    }
    if ('allowed' in match) {
      return sendJson(
        res,
        405,
        {
          error: { code: 'MethodNotAllowed', message: `${url.pathname} allows ${match.allowed.join(', ')}` },
        },
        { allow: match.allowed.join(', ') },
      );
    }
    if (storeDown) {
      req.resume();
      return sendJson(res, 503, new StoreUnavailable(storeDown).toJSON());
    }
    if (!ready)
      return sendJson(res, 503, { error: { code: 'Starting', message: 'The host is still starting' } });
    const body = await readBody(req);
    // A route API Gateway has no authorizer in front of (the public config, the signed webhook) gets no tenant.
    const caller = match.route.auth
      ? { tenantId: '', principal: 'anonymous' }
      : await callerOf(req, `${match.route.method} ${match.route.path}`);
    const handler = await loadHandler(match.route.file);
    const event = toApiGatewayEvent(req, body, match, caller);
    const result = fromApiGatewayResult(
      (await handler(event as never, lambdaContext(match.route.name) as never)) as never,
    );
    res.writeHead(result.status, result.headers);
    res.end(result.body);
  }

  // Claim the port first: a port in use should fail fast, before the engine boots.
  await listen(server, config.TECHTEAM_HOST, config.TECHTEAM_PORT);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.TECHTEAM_PORT;
  const url = `http://${config.TECHTEAM_HOST}:${port}`;
  guard = requestGuard(config.TECHTEAM_HOST, port);

  let dynamo: LocalDynamo | undefined;
  let stopLive: (() => Promise<void>) | undefined;
  try {
    let endpoint = config.TECHTEAM_DYNAMO_ENDPOINT;
    if (!endpoint) {
      dynamo = await startLocalDynamo(
        options.ephemeral
          ? {}
          : {
              path: join(resolve(config.TECHTEAM_DATA_DIR), 'dynamodb'),
              log: (l) => log(`  Store      ${l}`),
            },
      );
      endpoint = dynamo.endpoint;
    }
    const doc = createDocumentClient({ endpoint });
    const created = await ensureTable(doc, config.TECHTEAM_TABLE);
    const store = new Store(doc, config.TECHTEAM_TABLE);
    probeStore = () => storeProblem(doc, config.TECHTEAM_TABLE, HEALTH_PROBE_TIMEOUT_MS);
    const directory = new ModelDirectory(store, config, process.env);
    const gateway = teamGateway(store, directory);
    const setup = await gateway.setup();
    const models = options.models?.(store) ?? gateway;

    const handlers = {} as Record<TaskStateName, TaskStateHandler>;
    for (const { name: state, file } of STATE_LAMBDAS) {
      const fn = await loadHandler(file);
      const timed = options.onStateTimed;
      // The Lambda context a state's door reads, with the engine's invocation (its ceiling) for the time left.
      const context = (invocation: Invocation) => ({
        ...lambdaContext(state),
        getRemainingTimeInMillis: () => invocation.getRemainingTimeInMillis(),
      });
      handlers[state] = timed
        ? async (input, invocation) => {
            const startMs = performance.now();
            try {
              return await fn(input as never, context(invocation) as never);
            } finally {
              timed({ state, input, startMs, endMs: performance.now() });
            }
          }
        : (input, invocation) => fn(input as never, context(invocation) as never);
    }
    const engine = new LocalWorkflowEngine(handlers, {
      ...(options.retryIntervalMs !== undefined ? { retryIntervalMs: options.retryIntervalMs } : {}),
      onExecutionError: (id, error) => console.error(`execution ${id} ended with an uncaught error:`, error),
      // As EventBridge does on AWS: a failure no Catch took never leaves the task running; settled as its tenant.
      onExecutionFailed: (input, failure) =>
        actAsTenant(input.tenantId, () =>
          reconcileExecution({ store }, { ...input, status: 'FAILED', ...failure }),
        ),
    });
    const workspaceRoot = options.ephemeral
      ? mkdtempSync(join(tmpdir(), 'techteam-workspaces-'))
      : join(resolve(config.TECHTEAM_DATA_DIR), 'workspaces');
    const sandbox = options.sandbox ?? localSandbox(config.TECHTEAM_SANDBOX, log);
    // Documents are ingested in this process (SQS and a Lambda on AWS); vectors live in the data folder.
    const vectorDir = options.ephemeral
      ? { TECHTEAM_VECTOR_DIR: mkdtempSync(join(tmpdir(), 'techteam-vectors-')) }
      : {};
    const memorySettings = { ...process.env, TECHTEAM_DATA_DIR: config.TECHTEAM_DATA_DIR, ...vectorDir };
    const { memory } = await memoryFromConfig(
      loadMemoryConfig(memorySettings),
      store,
      new StoreMeter(store),
      async (folder, dimension) => new LanceDbIndex(folder, dimension),
    );
    const runtime: Deps = {
      memory,
      config,
      store,
      directory,
      builtInEmployees: builtInProfiles(setup.configModels.map((m) => m.id)),
      gateway,
      models,
      workflow: engine,
      signals: new TaskSignals(),
      cancelPollMs: config.TECHTEAM_CANCEL_POLL_SECONDS * 1000,
      workspaceFor: (tenantId, taskId) => new LocalWorkspace(join(workspaceRoot, tenantId, taskId)),
      ...(sandbox ? { sandbox } : {}),
    };
    store.keepEventPayloadsIn(runtime.workspaceFor);
    useDeps(runtime);
    useIdentityEnvironment(identityEnv);

    const live: LiveGateway = await startLiveGateway({
      server,
      guard: () => guard,
      store,
      dynamoEndpoint: endpoint,
      // The same authorizer as the HTTP routes: the token a browser puts in the query string is
      // the credential it would send as Authorization; without one (auth off) the local tenant.
      authorize:
        options.authorizeLive ??
        (async (token) => {
          if (!checkCredentials && !token) return authorizeLocalTenant(token);
          try {
            const caller = await callerOf(
              { headers: token ? { authorization: token } : {}, url: '/v1/live' } as IncomingMessage,
              'GET /v1/live',
            );
            return { tenantId: caller.tenantId, scopes: caller.scopes.split(' ').filter(Boolean) };
          } catch (e) {
            if (e instanceof Unauthenticated) throw new LiveUnauthorized(e.message);
            throw e;
          }
        }),
    });
    stopLive = () => live.stop();

    const recovery = await resumeInterruptedTasks(runtime);
    // Uploads whose ingestion died with the last host: queued again (only new chunks are embedded).
    const requeued = await memory.requeueUnfinished();

    log('Techteam local host');
    log(`  API        ${url}/v1/tasks  (functions/ handlers behind an API Gateway v2 event adapter)`);
    log(`  Dashboard  ${url}/  (placeholder page; the dashboard is not built yet)`);
    log(`  Memory     ${memory.index.kind} index, embeddings ${memory.embedderLabel}`);
    log(
      `  Store      DynamoDB Local ${endpoint}${dynamo ? ` (pid ${dynamo.pid()})` : ''}, table ${config.TECHTEAM_TABLE} (${created})` +
        `, ${dynamo?.path ? `data in ${dynamo.path}` : config.TECHTEAM_DYNAMO_ENDPOINT ? 'external engine' : 'in memory (--ephemeral)'}`,
    );
    log('  Workflow   the shared ASL definition in aws-local-stepfunctions, in this process');
    log(
      setup.demo
        ? '  Models     demo — scripted and deterministic; no model provider key is set (`npx techteam models` says how to add one)'
        : `  Models     ${setup.statuses
            .filter((p) => p.live)
            .map((p) => `${p.name} (${p.detail})`)
            .join('; ')}`,
    );
    log(`  Live       ${url.replace('http', 'ws')}/v1/live  (fed by ${live.feed})`);
    log(`  Workspaces ${workspaceRoot}`);
    log(
      `  Sandbox    ${sandbox ? sandbox.describe : 'none: sandbox tools answer that no sandbox is configured'}`,
    );
    log(
      checkCredentials
        ? '  Auth       required: API keys (`npx techteam keys create`) or Clerk session tokens'
        : '  Tenant     local (no credential needed on loopback; TECHTEAM_AUTH=required turns checks on)',
    );
    log(`  Billing    ${billingLine(process.env)}`);
    if (requeued) log(`  Requeued   ${requeued} document(s) whose ingestion the last stop cut off`);
    if (recovery.resumed.length) {
      log(`  Resumed    ${recovery.resumed.length} task(s) that were mid-run when the host last stopped`);
    }
    for (const { task, error } of recovery.failed) {
      log(`  Not resumed ${task.id} (tenant ${task.tenantId}, was ${task.status}): ${error}`);
    }
    ready = true;
    const stopSchedules = startSchedules(log);

    let stopping: Promise<void> | undefined;
    let giveUp: (e: TechteamError) => void = () => {};
    const failed = new Promise<TechteamError>((r) => {
      giveUp = r;
    });
    const deaths: number[] = [];
    const maxRestarts = options.maxEngineRestarts ?? MAX_ENGINE_RESTARTS;

    /**
     * DynamoDB Local died under the host: the executions in flight cannot write, so they are
     * stopped; the engine is started again on the same port and files, and the tasks it left
     * active are resumed as on a host start. Dying again and again means something is wrong
     * that a restart will not fix (a full disk, a broken Java): the host stops and says so.
     */
    const recoverEngine = async (owned: LocalDynamo, exit: EngineExit) => {
      const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
      storeDown = `DynamoDB Local stopped (${how}); restarting it`;
      const now = Date.now();
      deaths.push(now);
      while (deaths.length && (deaths[0] ?? 0) < now - ENGINE_RESTART_WINDOW_MS) deaths.shift();
      engine.stopAll();
      await Promise.race([engine.idle(), new Promise((r) => setTimeout(r, 3_000))]);
      if (stopping) return;
      if (deaths.length > maxRestarts) {
        const error = new TechteamError(
          'EngineFailed',
          500,
          `DynamoDB Local stopped ${deaths.length} times within ${ENGINE_RESTART_WINDOW_MS / 60_000} minutes (last: ${how}); ` +
            `the host is stopping. Its last output: ${exit.output.trim().slice(-400) || '(none)'}`,
        );
        log(`  Store      ${error.message}`);
        storeDown = error.message;
        await stop();
        giveUp(error);
        return;
      }
      log(`  Store      DynamoDB Local stopped unexpectedly (${how}); restarting it`);
      try {
        await owned.restart();
        await ensureTable(doc, config.TECHTEAM_TABLE);
      } catch (e) {
        const error = new TechteamError(
          'EngineFailed',
          500,
          `DynamoDB Local could not be restarted: ${(e as Error).message}; the host is stopping.`,
        );
        log(`  Store      ${error.message}`);
        storeDown = error.message;
        await stop();
        giveUp(error);
        return;
      }
      // Healthy again only once the tasks it left active are running again.
      const recovered = await resumeInterruptedTasks(runtime);
      storeDown = undefined;
      log(
        `  Store      DynamoDB Local is back (pid ${owned.pid()}); resumed ${recovered.resumed.length} task(s)` +
          (recovered.failed.length ? `, ${recovered.failed.length} could not be resumed` : ''),
      );
    };
    const owned = dynamo;
    owned?.onUnexpectedExit((exit) => {
      void recoverEngine(owned, exit).catch((e: unknown) => console.error('engine recovery failed:', e));
    });

    const stop = () => {
      stopping ??= (async () => {
        ready = false;
        stopSchedules();
        await stopLive?.();
        await new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
        engine.stopAll();
        await Promise.race([engine.idle(), new Promise((r) => setTimeout(r, 3_000))]);
        // Tasks cut off here stay active in the store; the next start resumes them.
        useDeps(undefined);
        useIdentityEnvironment(undefined);
        doc.destroy();
        await dynamo?.stop();
      })();
      return stopping;
    };
    return { url, store, engine, dynamo, failed, stop };
  } catch (e) {
    await stopLive?.();
    server.close();
    await dynamo?.stop();
    throw e;
  }
}
