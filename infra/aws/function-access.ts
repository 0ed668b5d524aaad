/**
 * What each Lambda may touch: its `access` in functions/manifest.ts, read from what its handler
 * and the shared code it calls actually do. The stacks grant exactly this and the tests check
 * the synthesized policies against it.
 */
import {
  type FunctionAccess,
  QUEUE_LAMBDAS,
  RECONCILE_EXECUTION,
  ROUTE_LAMBDAS,
  SCHEDULED_LAMBDAS,
  STATE_LAMBDAS,
} from '@techteam/functions/manifest';
import type { TaskStateName } from '@techteam/shared/workflow';
import type { WildcardKind } from './nag';

export type { FunctionAccess };
export { QUEUE_LAMBDAS, RECONCILE_EXECUTION };

/** By API route name (functions/manifest.ts ROUTE_LAMBDAS). */
export const API_ACCESS: Record<string, FunctionAccess> = Object.fromEntries(
  ROUTE_LAMBDAS.map((r) => [r.name, r.access]),
);

/** By scheduled handler name (functions/manifest.ts SCHEDULED_LAMBDAS). */
export const SCHEDULED_ACCESS: Record<string, FunctionAccess> = Object.fromEntries(
  SCHEDULED_LAMBDAS.map((l) => [l.name, l.access]),
);

/** A route without an entry in the manifest: the table only, read-only for GET. */
export function apiAccess(name: string, method: string): FunctionAccess {
  return API_ACCESS[name] ?? { table: method === 'GET' ? 'read' : 'readWrite' };
}

/** Whether a function gets TECHTEAM_PROVIDER_SECRETS and read access to the provider key secrets. */
export const readsProviderKeys = (access: FunctionAccess): boolean =>
  !!(access.models || access.providerKeys);

/**
 * Whether a function writes or deletes a source's chunk items (shared/store/chunks.ts), which go
 * 25 at a time with BatchWriteItem: the memory users that write or delete vectors, since chunks
 * and vectors move together (ingestion, a task's memory, deleting a document or a memory).
 */
export const writesChunks = (access: FunctionAccess): boolean =>
  access.memory?.vectors !== undefined && access.memory.vectors !== 'read';

/** By workflow Task state (functions/manifest.ts STATE_LAMBDAS). */
export const WORKFLOW_ACCESS = Object.fromEntries(STATE_LAMBDAS.map((s) => [s.name, s.access])) as Record<
  TaskStateName,
  FunctionAccess
>;

/**
 * The HTTP API's Lambda authorizer (functions/auth/authorizer.ts): reads keys, records their
 * last use, makes a Clerk caller's tenant on its first request, and reads the pepper.
 */
export const AUTHORIZER = {
  name: 'Authorizer',
  file: 'auth/authorizer.ts',
  access: { table: 'readWrite', apiKeyPepper: true } satisfies FunctionAccess as FunctionAccess,
} as const;

/** S3 key patterns, shared by the grants and the sandbox adapter's environment. */
export const WORKSPACE_KEYS = '*/workspace/*';
export const SANDBOX_PREFIX = 'sandbox';
/** Fargate-tier run queues are created by the adapter (shared/sandbox/aws/remote-sandbox.ts) with this name prefix. */
export { SANDBOX_RUN_QUEUE_PREFIX } from '@techteam/shared/sandbox';

/**
 * The wildcard kinds (infra/aws/nag.ts) a function's grants bring. A function acting for
 * tenants (infra/aws/tenant-access.ts) holds no table-index or workspace grant of its own.
 */
export function wildcardKindsOf(access: FunctionAccess, actsForTenants = false): WildcardKind[] {
  const kinds: WildcardKind[] = [];
  if (access.table !== 'none' && !actsForTenants) kinds.push('TableIndexes');
  if (access.execution === 'stop') kinds.push('StateMachineExecutions');
  if (access.workspace && !actsForTenants) kinds.push('TaskWorkspaces');
  if (access.models) kinds.push('BedrockModels', 'BedrockModelsViaProfiles');
  if (access.sandbox) kinds.push('SandboxJobObjects');
  // byo only, where the grants exist: the vector bucket's per-tenant indexes.
  if (access.memory?.vectors) kinds.push('TenantVectorIndexes');
  // Fargate only, where the grants exist: the run queues, the runner tasks, ecs:ListTasks.
  if (access.sandbox || access.sandboxRunners)
    kinds.push('SandboxRunQueues', 'SandboxRunnerTasks', 'SandboxRunnerRevisions', 'NoResourceLevel');
  if (access.liveConnections) kinds.push('LiveConnections');
  return kinds;
}
