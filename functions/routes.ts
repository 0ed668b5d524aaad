/**
 * Every HTTP route and every workflow Task state, with the file that handles it.
 * The local host serves these; the CDK stack makes one Lambda per entry.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** Lambda name suffix and CDK construct id. */
  name: string;
  /** Handler file, relative to functions/. */
  file: string;
}

export const API_ROUTES: readonly RouteSpec[] = [
  { method: 'POST', path: '/v1/tasks', name: 'CreateTask', file: 'api/create-task.ts' },
  { method: 'GET', path: '/v1/tasks', name: 'ListTasks', file: 'api/list-tasks.ts' },
  { method: 'GET', path: '/v1/tasks/{id}', name: 'GetTask', file: 'api/get-task.ts' },
  { method: 'GET', path: '/v1/tasks/{id}/events', name: 'ListEvents', file: 'api/list-events.ts' },
  { method: 'POST', path: '/v1/tasks/{id}/cancel', name: 'CancelTask', file: 'api/cancel-task.ts' },
];

/** Task state name (as in shared/workflow's ASL) → handler file. */
export const WORKFLOW_HANDLERS = {
  Plan: 'workflow/plan-task.ts',
  RunStep: 'workflow/run-step.ts',
  Finalize: 'workflow/finalize-task.ts',
  MarkFailed: 'workflow/mark-task-failed.ts',
} as const;

export type AnyHandler = (event: never, context?: never) => Promise<unknown>;

/** Loads a handler module by its file name (for the local host). */
export async function loadHandler(file: string): Promise<AnyHandler> {
  const mod = (await import(`./${file.replace(/\.ts$/, '')}`)) as { handler: AnyHandler };
  return mod.handler;
}
