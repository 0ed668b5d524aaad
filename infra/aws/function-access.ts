/**
 * What each Lambda may touch, read from what its handler and the shared code it
 * calls actually do (functions/api, functions/workflow, shared/workflow). The
 * stacks grant exactly this and the tests check the synthesized policies
 * against it.
 */
import type { TaskStateName } from '@techteam/shared/workflow';
import type { WildcardKind } from './nag';

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
  /** Runs code in the sandbox: its queue(s), its S3 prefix, and for Fargate the run's runner task. */
  sandbox?: boolean;
  /**
   * Starts or ends a task run's sandbox (Fargate tier only: RunTask, ListTasks, StopTask and the
   * run's queue); nothing on ec2-gvisor, whose pool serves every run.
   */
  sandboxRuns?: boolean;
}

/** By API route name (functions/routes.ts API_ROUTES). */
export const API_ACCESS: Record<string, FunctionAccess> = {
  CreateTask: { table: 'readWrite', execution: 'start' },
  ListTasks: { table: 'read' },
  GetTask: { table: 'read' },
  ListEvents: { table: 'read' },
  // The files API: the task's row (404 for an unknown task), then its workspace, read only.
  ListFiles: { table: 'read', workspace: 'read' },
  GetFile: { table: 'read', workspace: 'read' },
  GetArchive: { table: 'read', workspace: 'read' },
  CancelTask: { table: 'readWrite', execution: 'stop', sandboxRuns: true },
  ApproveTask: { table: 'readWrite', execution: 'respond' },
  RejectTask: { table: 'readWrite', execution: 'respond' },
  ResumeTask: { table: 'readWrite', execution: 'start' },
  // The demo samples are compiled in; the handler reads nothing.
  ListSamples: { table: 'none' },
  ListEmployees: { table: 'read' },
  // These read the model directory without calling a model: it resolves the provider
  // keys to know which providers are live, which decides the catalog they read or check.
  PutEmployee: { table: 'readWrite', providerKeys: true },
  ListModels: { table: 'read', providerKeys: true },
  PutModel: { table: 'readWrite', providerKeys: true },
  DeleteModel: { table: 'readWrite', providerKeys: true },
  GetSettings: { table: 'read' },
  // The dashboard's first read: the URLs, and whether the models are the demo (provider keys decide).
  GetConfig: { table: 'read', providerKeys: true },
  PutSettings: { table: 'readWrite' },
};

/** A route added to functions/routes.ts without an entry above: the table only, read-only for GET. */
export function apiAccess(name: string, method: string): FunctionAccess {
  return API_ACCESS[name] ?? { table: method === 'GET' ? 'read' : 'readWrite' };
}

/** Whether a function gets TECHTEAM_PROVIDER_SECRETS and read access to the provider key secrets. */
export const readsProviderKeys = (access: FunctionAccess): boolean =>
  !!(access.models || access.providerKeys);

/** By workflow Task state (shared/workflow TASK_STATES). */
export const WORKFLOW_ACCESS: Record<TaskStateName, FunctionAccess> = {
  Plan: { table: 'readWrite', models: true },
  // Prices the plan through the gateway, which must see the same live providers as the run.
  ApprovalGate: { table: 'readWrite', providerKeys: true },
  StartRun: { table: 'readWrite', sandboxRuns: true },
  StartStep: { table: 'readWrite' },
  RunEmployee: { table: 'readWrite', workspace: 'readWrite', models: true, sandbox: true },
  DevAttempt: { table: 'readWrite', workspace: 'readWrite', models: true, sandbox: true },
  QAReview: { table: 'readWrite', workspace: 'readWrite', models: true, sandbox: true },
  RejectStep: { table: 'readWrite' },
  // Both read the workspace (files, sizes, the diff) as evidence; neither runs code.
  Replan: { table: 'readWrite', workspace: 'read', models: true },
  Synthesize: { table: 'readWrite', workspace: 'read', models: true },
  Finalize: { table: 'readWrite', sandboxRuns: true },
  MarkFailed: { table: 'readWrite', sandboxRuns: true },
};

/**
 * The one function that is neither a route nor a Task state: EventBridge invokes it when an
 * execution fails, times out or is aborted (infra/aws/stacks/workflow-stack.ts). It marks the task
 * failed and ends its sandbox run.
 */
export const RECONCILE_EXECUTION = {
  name: 'ReconcileExecution',
  file: 'workflow/reconcile-execution.ts',
  access: { table: 'readWrite', sandboxRuns: true } satisfies FunctionAccess as FunctionAccess,
} as const;

/** S3 key patterns, shared by the grants and the sandbox adapter's environment. */
export const WORKSPACE_KEYS = '*/workspace/*';
export const SANDBOX_PREFIX = 'sandbox';
/** Fargate-tier run queues are created by the adapter (shared/sandbox/aws/remote-sandbox.ts) with this name prefix. */
export { SANDBOX_RUN_QUEUE_PREFIX } from '@techteam/shared/sandbox';

/** The wildcard kinds (infra/aws/nag.ts) a function's grants bring. */
export function wildcardKindsOf(access: FunctionAccess): WildcardKind[] {
  const kinds: WildcardKind[] = [];
  if (access.table !== 'none') kinds.push('TableIndexes');
  if (access.execution === 'stop') kinds.push('StateMachineExecutions');
  if (access.workspace) kinds.push('TaskWorkspaces');
  if (access.models) kinds.push('BedrockModels', 'BedrockModelsViaProfiles');
  if (access.sandbox) kinds.push('SandboxJobObjects');
  // Fargate only, where the grants exist: the run queues, the runner tasks, ecs:ListTasks.
  if (access.sandbox || access.sandboxRuns)
    kinds.push('SandboxRunQueues', 'SandboxRunnerTasks', 'SandboxRunnerRevisions', 'NoResourceLevel');
  return kinds;
}
