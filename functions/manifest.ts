/**
 * One entry per Lambda: what starts it (an HTTP route, a workflow Task state, an EventBridge
 * event, a schedule, an SQS queue), its handler file, the dependencies its handler builds, and what it may touch. The local
 * host serves the routes and states from this list, the CDK stacks make one function per entry
 * with exactly its grants, and the tests check each handler's source agrees with its entry.
 * How to add one: functions/README.md.
 */
import { INGESTION_MAX_RECEIVES } from '@techteam/shared/memory';
import type { TaskStateName } from '@techteam/shared/workflow';

/** What a Lambda may touch; the stacks grant exactly this (infra/aws/function-access.ts). */
export interface FunctionAccess {
  /** The single table: read-only for GET routes, read/write for the rest; none for static answers. */
  table: 'none' | 'read' | 'readWrite';
  /** Step Functions calls: `start` (StartExecution), `stop` (StopExecution), `respond` (SendTaskSuccess). */
  execution?: 'start' | 'stop' | 'respond';
  /**
   * The task's workspace in the artifacts bucket (`<tenant>/<task>/workspace/`): `readWrite` for
   * the employees, `read` (s3:GetObject on workspace keys, s3:ListBucket under workspace prefixes) for the files API.
   */
  workspace?: 'read' | 'readWrite';
  /** Calls models: Bedrock, and in hosted mode the provider key secrets. */
  models?: boolean;
  /** Reads the provider key secrets (hosted mode) without calling models, e.g. to report which providers are live. */
  providerKeys?: boolean;
  /** Runs code in the sandbox: its S3 prefix, the run's runner task and its queue. */
  sandbox?: boolean;
  /**
   * Starts or ends a task run's sandbox (either tier: RunTask, ListTasks, StopTask and the run's
   * queue).
   */
  sandboxRunners?: boolean;
  /** Reads the API key pepper secret (the authorizer, and key creation). */
  apiKeyPepper?: boolean;
  /** Reads the Stripe secret key and webhook secret (hosted mode; infra/aws/billing.ts grants them). */
  stripeKeys?: boolean;
  /**
   * Writes or deletes the live connections and subscriptions (shared/store/live-subscriptions.ts),
   * which go two or more items at a time: dynamodb:BatchWriteItem besides `readWrite`, which the
   * live functions hold only in the tenant data role's sessions (infra/aws/tenant-data-role.ts).
   */
  liveItems?: boolean;
  /** Sends to live connections: execute-api:ManageConnections on this WebSocket API's stage only. */
  liveConnections?: boolean;
  /** Is fed by the table's stream (an event source mapping; failed batches go to a dead-letter queue). */
  tableStream?: boolean;
  /** Uses the team's memory (shared/memory) beyond the table; infra/aws/memory.ts grants it. */
  memory?: MemoryAccess;
}

/**
 * What a memory user touches. Every one opens the index (hosted: reads the Pinecone key secret).
 * `vectors`: `delete` (DeleteVectors), `read` (a query: QueryVectors, GetVectors for its metadata),
 * `write` (PutVectors, DeleteVectors, CreateIndex: the tenant's index is made on its first write),
 * `readWrite` both; absent, no vector call. Every level but `read` also writes or deletes chunk
 * items, 25 at a time: dynamodb:BatchWriteItem on the table (infra/aws/function-access.ts writesChunks). `embed`: embeds text (Bedrock's Titan model).
 * `enqueue`: sends to the ingestion queue.
 */
export interface MemoryAccess {
  vectors?: 'delete' | 'read' | 'write' | 'readWrite';
  embed?: boolean;
  enqueue?: boolean;
}

/**
 * The dependencies a handler builds, each from its own module of `@techteam/shared/deps` so
 * that a Lambda bundles only what it uses (see shared/deps/README.md):
 * `none` builds nothing; `store` is `deps()` (the table, the engine, the model directory);
 * `models` adds the model gateway (`…/deps/models`); `reading` the gateway and the task
 * workspaces (`…/deps/reading`); `team` the gateway, the workspaces and the sandbox
 * (`…/deps/team`); `workspaces` the workspaces alone (`…/deps/workspaces`); `sandboxRunners`
 * a run's sandbox runner (`…/deps/sandbox-runners`); `memory` the tenant's documents and memories
 * (`…/deps/memory`, which the planning, finishing and employee states add with `withMemory`);
 * `live` is `liveDeps()` (`@techteam/shared/live`: the store, the live items and the
 * `@connections` poster).
 */
export type HandlerDeps =
  | 'none'
  | 'store'
  | 'models'
  | 'reading'
  | 'team'
  | 'workspaces'
  | 'sandboxRunners'
  | 'memory'
  | 'live';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

type Load = () => Promise<{ handler: unknown }>;

interface Entry {
  /** The Lambda's name suffix and CDK construct id. */
  name: string;
  /** Handler file, relative to functions/. */
  file: string;
  deps: HandlerDeps;
  access: FunctionAccess;
  /** A static import of the file, so Vite and the local host see every handler. */
  load: Load;
}

/** A Lambda behind an HTTP API route. */
export interface RouteLambda extends Entry {
  kind: 'api';
  method: HttpMethod;
  path: string;
  /**
   * `signature`: no authorizer in front of it; the handler verifies the caller's signature
   * over the raw body (the Stripe webhook). `public`: no authorizer and no tenant; the answer
   * holds nothing a signed-out dashboard may not read (GET /v1/config). Absent: the tenant authorizer.
   */
  auth?: RouteAuth;
}

/** How a route is let in when it is not behind the tenant authorizer. */
export type RouteAuth = 'signature' | 'public';

/** A Lambda behind a Task state of the workflow: its name is the state's. */
export interface StateLambda extends Entry {
  kind: 'state';
  name: TaskStateName;
}

/** A Lambda an EventBridge rule invokes. */
export interface EventLambda extends Entry {
  kind: 'event';
}

/** A Lambda run on a schedule (EventBridge on AWS, a timer on the local host). */
export interface ScheduledLambda extends Entry {
  kind: 'scheduled';
  everyMinutes: number;
}

/**
 * A Lambda an SQS queue feeds, `batchSize` messages at a time; its handler answers
 * `batchItemFailures`, so only the messages that threw come back to the queue (and after
 * `maxReceiveCount` receives go to its dead-letter queue). The local host runs the same work
 * in-process instead of polling a queue (shared/memory/in-process-ingestion.ts).
 */
export interface QueueLambda extends Entry {
  kind: 'queue';
  batchSize: number;
  maxReceiveCount: number;
}

/** A Lambda behind routes of the WebSocket API (API Gateway route keys). */
export interface SocketLambda extends Entry {
  kind: 'socket';
  routeKeys: readonly string[];
}

/** The WebSocket API's `$connect` Lambda authorizer (REQUEST, the `token` query parameter). */
export interface SocketAuthorizerLambda extends Entry {
  kind: 'socketAuthorizer';
}

/** A Lambda the table's stream feeds. */
export interface StreamLambda extends Entry {
  kind: 'stream';
}

export type LambdaManifest =
  | RouteLambda
  | StateLambda
  | EventLambda
  | ScheduledLambda
  | SocketLambda
  | SocketAuthorizerLambda
  | StreamLambda
  | QueueLambda;

const route = (
  method: HttpMethod,
  path: string,
  name: string,
  file: string,
  deps: HandlerDeps,
  access: FunctionAccess,
  load: Load,
  options: { auth?: RouteAuth } = {},
): RouteLambda => ({ kind: 'api', method, path, name, file, deps, access, load, ...options });

/** A state's handler file is its name in kebab case under workflow/: `QAReview` → `workflow/qa-review.ts`. */
export const stateFile = (state: TaskStateName): string =>
  `workflow/${state.replace(/([a-z])([A-Z])|([A-Z])([A-Z][a-z])/g, '$1$3-$2$4').toLowerCase()}.ts`;

const state = (name: TaskStateName, deps: HandlerDeps, access: FunctionAccess, load: Load): StateLambda => ({
  kind: 'state',
  name,
  file: stateFile(name),
  deps,
  access,
  load,
});

// Reads route to the table read-only; the rest read and write it.
const read = { table: 'read' } as const;
const write = { table: 'readWrite' } as const;
// What the memory routes do beyond the table: list (open the index), queue, delete vectors.
const memoryList = { memory: {} } as const;
const memoryEnqueue = { memory: { enqueue: true } } as const;
const memoryDelete = { memory: { vectors: 'delete' } } as const;

/** Every HTTP route, one Lambda each. */
// biome-ignore format: one line per route, so that adding one is adding a line
export const ROUTE_LAMBDAS: readonly RouteLambda[] = [
  route('POST', '/v1/tasks', 'CreateTask', 'api/create-task.ts', 'store', { ...write, execution: 'start', providerKeys: true }, () => import('./api/create-task')),
  route('GET', '/v1/tasks', 'ListTasks', 'api/list-tasks.ts', 'store', read, () => import('./api/list-tasks')),
  route('GET', '/v1/tasks/{id}', 'GetTask', 'api/get-task.ts', 'store', read, () => import('./api/get-task')),
  route('GET', '/v1/tasks/{id}/events', 'ListEvents', 'api/list-events.ts', 'store', read, () => import('./api/list-events')),
  // The files API: the task's row (404 for an unknown task), then its workspace, read only.
  route('GET', '/v1/tasks/{id}/files', 'ListFiles', 'api/list-files.ts', 'workspaces', { ...read, workspace: 'read' }, () => import('./api/list-files')),
  route('GET', '/v1/tasks/{id}/files/{path+}', 'GetFile', 'api/get-file.ts', 'workspaces', { ...read, workspace: 'read' }, () => import('./api/get-file')),
  route('GET', '/v1/tasks/{id}/archive', 'GetArchive', 'api/get-archive.ts', 'workspaces', { ...read, workspace: 'read' }, () => import('./api/get-archive')),
  route('POST', '/v1/tasks/{id}/cancel', 'CancelTask', 'api/cancel-task.ts', 'sandboxRunners', { ...write, execution: 'stop', sandboxRunners: true }, () => import('./api/cancel-task')),
  route('POST', '/v1/tasks/{id}/approve', 'ApproveTask', 'api/approve-task.ts', 'store', { ...write, execution: 'respond' }, () => import('./api/approve-task')),
  route('POST', '/v1/tasks/{id}/reject', 'RejectTask', 'api/reject-task.ts', 'store', { ...write, execution: 'respond' }, () => import('./api/reject-task')),
  route('POST', '/v1/tasks/{id}/resume', 'ResumeTask', 'api/resume-task.ts', 'store', { ...write, execution: 'start' }, () => import('./api/resume-task')),
  // The demo samples are compiled in; the handler reads nothing.
  route('GET', '/v1/samples', 'ListSamples', 'api/list-samples.ts', 'none', { table: 'none' }, () => import('./api/list-samples')),
  route('GET', '/v1/employees', 'ListEmployees', 'api/list-employees.ts', 'store', read, () => import('./api/list-employees')),
  // These read the model directory without calling a model: it resolves the provider keys to
  // know which providers are live, which decides the catalog they read or check.
  route('PUT', '/v1/employees/{id}', 'PutEmployee', 'api/put-employee.ts', 'store', { ...write, providerKeys: true }, () => import('./api/put-employee')),
  route('GET', '/v1/models', 'ListModels', 'api/list-models.ts', 'store', { ...read, providerKeys: true }, () => import('./api/list-models')),
  route('PUT', '/v1/models/{id}', 'PutModel', 'api/put-model.ts', 'store', { ...write, providerKeys: true }, () => import('./api/put-model')),
  route('DELETE', '/v1/models/{id}', 'DeleteModel', 'api/delete-model.ts', 'store', { ...write, providerKeys: true }, () => import('./api/delete-model')),
  route('GET', '/v1/settings', 'GetSettings', 'api/get-settings.ts', 'store', read, () => import('./api/get-settings')),
  route('PUT', '/v1/settings', 'PutSettings', 'api/put-settings.ts', 'store', write, () => import('./api/put-settings')),
  // The dashboard's first read, before anyone signed in: where the API and the live socket are, how to sign in.
  route('GET', '/v1/config', 'GetConfig', 'api/get-config.ts', 'store', { ...read, providerKeys: true }, () => import('./api/get-config'), { auth: 'public' }),
  route('GET', '/v1/usage', 'GetUsage', 'api/get-usage.ts', 'store', read, () => import('./api/get-usage')),
  route('POST', '/v1/keys', 'CreateKey', 'api/create-key.ts', 'store', { ...write, apiKeyPepper: true }, () => import('./api/create-key')),
  route('GET', '/v1/keys', 'ListKeys', 'api/list-keys.ts', 'store', read, () => import('./api/list-keys')),
  route('DELETE', '/v1/keys/{id}', 'RevokeKey', 'api/revoke-key.ts', 'store', write, () => import('./api/revoke-key')),
  route('GET', '/v1/audit', 'ListAudit', 'api/list-audit.ts', 'store', read, () => import('./api/list-audit')),
  // Documents and memories: the table holds them; the vector index is the tenant's (shared/memory).
  route('POST', '/v1/documents', 'AddDocument', 'api/add-document.ts', 'memory', { ...write, ...memoryEnqueue }, () => import('./api/add-document')),
  route('GET', '/v1/documents', 'ListDocuments', 'api/list-documents.ts', 'memory', { ...read, ...memoryList }, () => import('./api/list-documents')),
  route('DELETE', '/v1/documents/{id}', 'DeleteDocument', 'api/delete-document.ts', 'memory', { ...write, ...memoryDelete }, () => import('./api/delete-document')),
  route('GET', '/v1/memories', 'ListMemories', 'api/list-memories.ts', 'memory', { ...read, ...memoryList }, () => import('./api/list-memories')),
  route('DELETE', '/v1/memories', 'DeleteMemories', 'api/delete-memories.ts', 'memory', { ...write, ...memoryDelete }, () => import('./api/delete-memories')),
  route('DELETE', '/v1/memories/{id}', 'DeleteMemory', 'api/delete-memory.ts', 'memory', { ...write, ...memoryDelete }, () => import('./api/delete-memory')),
  // Billing: each resolves the Stripe keys at cold start to know whether billing is on.
  route('GET', '/v1/billing', 'GetBilling', 'api/billing-status.ts', 'store', { ...read, stripeKeys: true }, () => import('./api/billing-status')),
  route('GET', '/v1/billing/usage', 'GetBillingUsage', 'api/billing-usage.ts', 'store', { ...read, stripeKeys: true }, () => import('./api/billing-usage')),
  route('GET', '/v1/billing/invoices', 'ListInvoices', 'api/billing-invoices.ts', 'store', { ...read, stripeKeys: true }, () => import('./api/billing-invoices')),
  route('POST', '/v1/billing/checkout', 'CreateCheckout', 'api/billing-checkout.ts', 'store', { ...write, stripeKeys: true }, () => import('./api/billing-checkout')),
  route('POST', '/v1/billing/portal', 'CreatePortal', 'api/billing-portal.ts', 'store', { ...write, stripeKeys: true }, () => import('./api/billing-portal')),
  route('PUT', '/v1/billing/overage', 'PutOverageCap', 'api/billing-overage.ts', 'store', { ...write, stripeKeys: true }, () => import('./api/billing-overage')),
  // The API's description, compiled in (functions/openapi.json): behind the authorizer like every
  // route a tenant calls, with the weakest scope; the CLI and the dashboard hold a credential anyway.
  route('GET', '/v1/openapi.json', 'GetOpenApi', 'api/get-openapi.ts', 'none', { table: 'none' }, () => import('./api/get-openapi')),
  route('POST', '/v1/billing/webhook', 'StripeWebhook', 'billing/webhook.ts', 'store', { ...write, stripeKeys: true }, () => import('./billing/webhook'), { auth: 'signature' }),
];

/** Every Task state of the workflow's definition, one Lambda each. */
// biome-ignore format: one line per state
// PlanTask (recall), RunEmployee (memory.search), FinalizeTask and MarkTaskFailed (the task's memory) add withMemory.
export const STATE_LAMBDAS: readonly StateLambda[] = [
  state('PlanTask', 'models', { ...write, models: true, memory: { vectors: 'read', embed: true } }, () => import('./workflow/plan-task')),
  // Prices the plan through the gateway, which must see the same live providers as the run.
  state('RequestApproval', 'models', { ...write, providerKeys: true }, () => import('./workflow/request-approval')),
  state('StartRun', 'sandboxRunners', { ...write, sandboxRunners: true }, () => import('./workflow/start-run')),
  state('StartStep', 'store', write, () => import('./workflow/start-step')),
  state('RunEmployee', 'team', { ...write, workspace: 'readWrite', models: true, sandbox: true, memory: { vectors: 'read', embed: true } }, () => import('./workflow/run-employee')),
  state('DevAttempt', 'team', { ...write, workspace: 'readWrite', models: true, sandbox: true }, () => import('./workflow/dev-attempt')),
  state('QAReview', 'team', { ...write, workspace: 'readWrite', models: true, sandbox: true }, () => import('./workflow/qa-review')),
  state('RejectStep', 'store', write, () => import('./workflow/reject-step')),
  // Both read the workspace (files, sizes, the diff) as evidence; neither runs code.
  state('Replan', 'reading', { ...write, workspace: 'read', models: true }, () => import('./workflow/replan')),
  state('Synthesize', 'reading', { ...write, workspace: 'read', models: true }, () => import('./workflow/synthesize')),
  state('FinalizeTask', 'sandboxRunners', { ...write, sandboxRunners: true, memory: { vectors: 'write', embed: true } }, () => import('./workflow/finalize-task')),
  state('MarkTaskFailed', 'sandboxRunners', { ...write, sandboxRunners: true, memory: { vectors: 'write', embed: true } }, () => import('./workflow/mark-task-failed')),
];

/**
 * The one Lambda that is neither a route nor a Task state: EventBridge invokes it when an
 * execution fails, times out or is aborted (infra/aws/stacks/workflow-stack.ts). It marks the
 * task failed and ends its sandbox run.
 */
export const RECONCILE_EXECUTION: EventLambda = {
  kind: 'event',
  name: 'ReconcileExecution',
  file: 'workflow/reconcile-execution.ts',
  deps: 'sandboxRunners',
  access: { ...write, sandboxRunners: true },
  load: () => import('./workflow/reconcile-execution'),
};

/** Handlers run on a schedule: the usage reporter sends the month's overage to Stripe's meter. */
export const SCHEDULED_LAMBDAS: readonly ScheduledLambda[] = [
  {
    kind: 'scheduled',
    name: 'ReportUsage',
    file: 'billing/report-usage.ts',
    everyMinutes: 60,
    deps: 'store',
    access: { ...write, stripeKeys: true },
    load: () => import('./billing/report-usage'),
  },
];

/** Handlers fed by an SQS queue: document ingestion (chunk, embed, index) after an upload. */
export const QUEUE_LAMBDAS: readonly QueueLambda[] = [
  {
    kind: 'queue',
    name: 'IngestDocument',
    file: 'memory/ingest-document.ts',
    // Each message is one document (up to 256 KiB, a few hundred chunks to embed).
    batchSize: 5,
    // Its handler marks the document failed on the last receive (shared/memory/ingestion-batch.ts).
    maxReceiveCount: INGESTION_MAX_RECEIVES,
    deps: 'memory',
    access: { ...write, memory: { vectors: 'write', embed: true } },
    load: () => import('./memory/ingest-document'),
  },
];

/**
 * Live updates (shared/live): the WebSocket API's routes, its `$connect` authorizer, and the
 * fan-out the table's stream feeds. The local host serves the same routes (infra/local/live-server.ts).
 */
export const LIVE_LAMBDAS = {
  connect: {
    kind: 'socket',
    routeKeys: ['$connect'],
    name: 'LiveConnect',
    file: 'live/connect.ts',
    deps: 'live',
    access: write,
    load: () => import('./live/connect'),
  },
  disconnect: {
    kind: 'socket',
    routeKeys: ['$disconnect'],
    name: 'LiveDisconnect',
    file: 'live/disconnect.ts',
    deps: 'live',
    access: { ...write, liveItems: true },
    load: () => import('./live/disconnect'),
  },
  // One function reads every client frame; the named routes keep their own metrics and logs.
  message: {
    kind: 'socket',
    routeKeys: ['subscribe', 'unsubscribe', 'ping', '$default'],
    name: 'LiveMessage',
    file: 'live/message.ts',
    deps: 'live',
    access: { ...write, liveItems: true, liveConnections: true },
    load: () => import('./live/message'),
  },
  // The HTTP API's authorizer's work (shared/identity authorize), answered as a WebSocket authorizer.
  authorizer: {
    kind: 'socketAuthorizer',
    name: 'LiveAuthorizer',
    file: 'live/authorize.ts',
    deps: 'store',
    access: { ...write, apiKeyPepper: true },
    load: () => import('./live/authorize'),
  },
  fanOut: {
    kind: 'stream',
    name: 'LiveFanOut',
    file: 'live/fan-out.ts',
    deps: 'live',
    access: { ...write, liveItems: true, liveConnections: true, tableStream: true },
    load: () => import('./live/fan-out'),
  },
} as const satisfies {
  connect: SocketLambda;
  disconnect: SocketLambda;
  message: SocketLambda;
  authorizer: SocketAuthorizerLambda;
  fanOut: StreamLambda;
};

/** Every Lambda the app deploys. */
export const LAMBDAS: readonly LambdaManifest[] = [
  ...ROUTE_LAMBDAS,
  ...STATE_LAMBDAS,
  RECONCILE_EXECUTION,
  ...SCHEDULED_LAMBDAS,
  ...QUEUE_LAMBDAS,
  ...Object.values(LIVE_LAMBDAS),
];
