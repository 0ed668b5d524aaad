/**
 * The public API described once: each route of the manifest (ROUTE_LAMBDAS, by its Lambda name)
 * mapped to the zod schemas its handler validates with, and the OpenAPI 3.1 document generated
 * from them with zod 4's `z.toJSONSchema` (JSON Schema 2020-12, the dialect OpenAPI 3.1 uses).
 * `npm run api:types` writes it to functions/openapi.json, which `GET /v1/openapi.json` serves
 * (api/get-openapi.ts: the Lambda bundles the JSON, not this module, which reads the manifest and
 * so every handler's import), and generates the typed client's types from it
 * (infra/local/cli/api-types.ts).
 * `openapi.test.ts` holds it to the routes: every route documented, nothing documented that is
 * not a route, and the document valid OpenAPI 3.1.
 */
import {
  CreateTaskInput,
  EmployeeProfile,
  EmployeeProfileInput,
  Plan,
  StepResult,
  Task,
  TaskEvent,
  TaskId,
} from '@techteam/shared/domain';
import { TenantModelInput } from '@techteam/shared/gateway/catalog';
import { requiredScope } from '@techteam/shared/identity';
import { SettingsInput } from '@techteam/shared/settings';
import { StoredApiKey } from '@techteam/shared/store';
import * as z from '@techteam/shared/zod';
import { AuditQuery, CreateKeyInput, KeyPath } from './api/keys-schemas';
import {
  AddDocumentBody,
  ApproveBody,
  ArchiveQuery,
  CheckoutBody,
  EmployeePath,
  FilePath,
  ListEventsQuery,
  ListTasksQuery,
  MonthQuery,
  OverageBody,
  RejectBody,
  ResumeBody,
  TaskPath,
} from './api/schemas';
import { ROUTE_LAMBDAS, type RouteLambda } from './manifest';

type Schema = z.ZodMiniType;

/** What the document says of one route; the method, path, auth and scope come from the manifest. */
export interface Operation {
  summary: string;
  /** Path parameters (an object schema); `{path+}` is documented as `{path}`. */
  path?: Schema;
  query?: Schema;
  body?: Schema;
  /** The success answer: its status and, where the handler's answer has one, its schema. */
  status: number;
  response?: Schema;
  /** The answer is a file (a workspace file or an archive), not JSON. */
  file?: boolean;
}

const IdPath = z.object({ id: z.string() });
const Deleted = z.object({ deleted: z.string() });
const TaskAnswer = z.object({ task: Task });
const Settings = z.object({
  settings: z.object({
    monthlyBudgetUsd: z.nullable(z.number()),
    approvalThresholdUsd: z.nullable(z.number()),
    heliconeCache: z.boolean(),
  }),
});
/** A key as the API shows it (identity's keyView): never its secret or hash. */
const KeyView = z.extend(z.omit(StoredApiKey, { hash: true, validUntil: true }), {
  expiresAt: z.optional(z.string()),
});
const Employee = z.extend(EmployeeProfile, { source: z.enum(['built-in', 'tenant', 'tenant-override']) });
const Document = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  bytes: z.number(),
  status: z.string(),
  reason: z.optional(z.string()),
  chunks: z.optional(z.number()),
  embedded: z.optional(z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Every route by its Lambda name (manifest.ts). */
// biome-ignore format: one entry per route, like the manifest
export const API_OPERATIONS: Record<string, Operation> = {
  CreateTask: { summary: 'Create a task and start its run', body: CreateTaskInput, status: 201, response: TaskAnswer },
  ListTasks: { summary: "The tenant's tasks, newest first", query: ListTasksQuery, status: 200, response: z.object({ tasks: z.array(Task), next: z.optional(TaskId) }) },
  GetTask: { summary: 'A task with its plan and step results', path: TaskPath, status: 200, response: z.object({ task: Task, plan: z.nullable(Plan), steps: z.array(StepResult) }) },
  ListEvents: { summary: "A task's event log after a cursor, optionally with streamed text", path: TaskPath, query: ListEventsQuery, status: 200, response: z.object({ events: z.array(TaskEvent), next: z.optional(z.string()), deltas: z.optional(z.array(z.object({ id: z.string(), at: z.string(), taskId: z.string(), stepId: z.optional(z.string()), employee: z.string(), text: z.string() }))), deltaCursor: z.optional(z.string()) }) },
  ListFiles: { summary: "Every file of the task's workspace with its size", path: TaskPath, status: 200, response: z.object({ files: z.array(z.object({ path: z.string(), bytes: z.number() })) }) },
  GetFile: { summary: "One file of the task's workspace", path: FilePath, status: 200, file: true },
  GetArchive: { summary: 'The whole workspace as one zip or tar download', path: TaskPath, query: ArchiveQuery, status: 200, file: true },
  CancelTask: { summary: 'Cancel a task that has not ended', path: TaskPath, status: 200, response: TaskAnswer },
  ApproveTask: { summary: 'Approve the waiting plan, optionally edited', path: TaskPath, body: ApproveBody, status: 200, response: TaskAnswer },
  RejectTask: { summary: 'Reject the waiting plan; the task is cancelled', path: TaskPath, body: RejectBody, status: 200, response: TaskAnswer },
  ResumeTask: { summary: 'Rerun a failed task from its last completed step', path: TaskPath, body: ResumeBody, status: 202, response: TaskAnswer },
  ListSamples: { summary: 'The built-in sample tasks the demo model plays', status: 200, response: z.object({ samples: z.array(z.object({ id: z.string(), prompt: z.string(), runtime: z.string() })) }) },
  ListEmployees: { summary: "The tenant's team: built-in employees and its own", status: 200, response: z.object({ employees: z.array(Employee) }) },
  PutEmployee: { summary: "Define or override one of the tenant's employees", path: EmployeePath, body: EmployeeProfileInput, status: 200, response: z.object({ employee: EmployeeProfile }) },
  ListModels: { summary: 'The model catalog as this tenant sees it, and which providers are live', status: 200 },
  PutModel: { summary: "Add a model to the tenant's catalog, or override a shipped one", path: IdPath, body: TenantModelInput, status: 200 },
  DeleteModel: { summary: "Remove the tenant's own model or price override", path: IdPath, status: 200, response: Deleted },
  GetSettings: { summary: "The tenant's spend cap, approval threshold and cache opt-in", status: 200, response: Settings },
  PutSettings: { summary: 'Change some of the settings', body: SettingsInput, status: 200, response: Settings },
  GetConfig: { summary: 'Where the API and the live socket are, and whether auth is on', status: 200, response: z.object({ apiUrl: z.string(), liveUrl: z.string(), auth: z.enum(['none', 'required']), clerkPublishableKey: z.optional(z.string()), demo: z.boolean() }) },
  GetUsage: { summary: "The month's model cost by day, employee and model", query: MonthQuery, status: 200 },
  CreateKey: { summary: 'A new API key, whose whole text is in this answer only', body: CreateKeyInput, status: 201, response: z.object({ key: z.string(), apiKey: KeyView }) },
  ListKeys: { summary: "The tenant's keys (revoked ones too), never their secrets", status: 200, response: z.object({ keys: z.array(KeyView) }) },
  RevokeKey: { summary: "Revoke one of the tenant's keys", path: KeyPath, status: 200, response: z.object({ apiKey: KeyView }) },
  ListAudit: { summary: "The tenant's audit records, newest first", query: AuditQuery, status: 200 },
  AddDocument: { summary: 'Store a document and queue its ingestion into memory', body: AddDocumentBody, status: 202, response: z.object({ document: Document, embedder: z.string() }) },
  ListDocuments: { summary: "The tenant's documents with their ingestion status", status: 200, response: z.object({ documents: z.array(Document), embedder: z.string() }) },
  DeleteDocument: { summary: 'Remove a document, its chunks and vectors', path: IdPath, status: 200, response: Deleted },
  ListMemories: { summary: "What the team remembers of the tenant's finished tasks", status: 200 },
  DeleteMemories: { summary: 'Forget every memory of the tenant', status: 200, response: z.object({ deleted: z.number() }) },
  DeleteMemory: { summary: 'Forget one memory', path: IdPath, status: 200, response: Deleted },
  GetBilling: { summary: 'The plan, its entitlements and the subscription', status: 200 },
  GetBillingUsage: { summary: "The month's spend as recorded and reported to Stripe", query: MonthQuery, status: 200 },
  ListInvoices: { summary: "The tenant's invoices, newest first", status: 200 },
  CreateCheckout: { summary: 'A Stripe Checkout URL for a paid plan', body: CheckoutBody, status: 200 },
  CreatePortal: { summary: 'A Stripe Customer Portal URL', status: 200 },
  PutOverageCap: { summary: "Allow spend beyond the plan's monthly credit", body: OverageBody, status: 200 },
  StripeWebhook: { summary: "Stripe's events, verified by their signature (no API key)", status: 200 },
  GetOpenApi: { summary: 'This document', status: 200 },
};

/** A route's path as OpenAPI writes it: API Gateway's greedy `{path+}` is `{path}`. */
export const openApiPath = (path: string): string => path.replace(/\{(\w+)\+\}/g, '{$1}');

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] };

const jsonSchema = (schema: Schema, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

function parameters(schema: Schema | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema, 'input');
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    schema: property,
    ...(where === 'path' && name === 'path'
      ? { description: 'A workspace path; it may contain slashes' }
      : {}),
  }));
}

const ERROR = { $ref: '#/components/responses/Error' };

function operation(route: RouteLambda, op: Operation) {
  const scope = requiredScope(route.method, route.path);
  const signed = route.auth === 'signature';
  const open = route.auth === 'public';
  const success = op.file
    ? {
        content: {
          'application/octet-stream': {
            schema: { type: 'string', contentMediaType: 'application/octet-stream' },
          },
        },
      }
    : {
        content: {
          'application/json': {
            schema: op.response ? jsonSchema(op.response, 'output') : { type: 'object' },
          },
        },
      };
  return {
    operationId: route.name,
    summary: op.summary,
    description: signed
      ? 'No API key: Stripe proves itself with the `Stripe-Signature` header over the raw body.'
      : open
        ? 'No credential: a signed-out dashboard reads it to learn how to sign in.'
        : `Needs the \`${scope}\` scope (\`admin\` implies every scope, \`tasks:write\` implies \`tasks:read\`).`,
    ...(signed || open ? { security: [] } : { 'x-required-scope': scope }),
    parameters: [
      ...parameters(op.path, 'path'),
      ...parameters(op.query, 'query'),
      ...(signed
        ? [{ name: 'Stripe-Signature', in: 'header', required: true, schema: { type: 'string' } }]
        : []),
    ],
    ...(op.body || signed
      ? {
          requestBody: {
            // The handlers read a missing body as `{}`: it is required when that would be refused.
            required: !!op.body && (jsonSchema(op.body, 'input').required ?? []).length > 0,
            content: {
              'application/json': { schema: op.body ? jsonSchema(op.body, 'input') : { type: 'object' } },
            },
          },
        }
      : {}),
    responses: {
      [String(op.status)]: { description: op.summary, ...success },
      '400': ERROR,
      ...(signed || open ? {} : { '401': ERROR, '403': ERROR, '429': ERROR }),
      ...(op.path ? { '404': ERROR } : {}),
      '500': ERROR,
    },
  };
}

const ErrorBody = z.object({
  error: z.object({
    /** A stable name, e.g. `InvalidInput`, `NotFound`, `RateLimited`, `Forbidden`. */
    code: z.string(),
    message: z.string(),
    /** What the code needs to act on: the failing fields, the limit, the missing scope. */
    details: z.optional(z.unknown()),
  }),
});

let built: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of every route; built once per process. */
export function openApiDocument(): Record<string, unknown> {
  if (built) return built;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTE_LAMBDAS) {
    const op = API_OPERATIONS[route.name];
    if (!op)
      throw new Error(`Route ${route.method} ${route.path} (${route.name}) has no entry in API_OPERATIONS`);
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route, op) };
  }
  built = {
    openapi: '3.1.0',
    info: {
      title: 'Techteam API',
      version: '1',
      description:
        'The AI tech team as a service. Every route but the Stripe webhook takes `Authorization: Bearer <credential>`: a tenant API key (`tt_<env>_<id>_<secret>`) or a Clerk session token. Each operation names the scope it needs in `x-required-scope`. Errors answer `{ error: { code, message, details } }`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A tenant API key `tt_<env>_<id>_<secret>`, or a Clerk session JWT',
        },
      },
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
      responses: {
        Error: {
          description: 'A typed error: `code` names it, `details` says what to act on',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
  return built;
}
