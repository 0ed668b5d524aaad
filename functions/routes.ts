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
  { method: 'GET', path: '/v1/tasks/{id}/files', name: 'ListFiles', file: 'api/list-files.ts' },
  { method: 'GET', path: '/v1/tasks/{id}/files/{path+}', name: 'GetFile', file: 'api/get-file.ts' },
  { method: 'GET', path: '/v1/tasks/{id}/archive', name: 'GetArchive', file: 'api/get-archive.ts' },
  { method: 'POST', path: '/v1/tasks/{id}/cancel', name: 'CancelTask', file: 'api/cancel-task.ts' },
  { method: 'POST', path: '/v1/tasks/{id}/approve', name: 'ApproveTask', file: 'api/approve-task.ts' },
  { method: 'POST', path: '/v1/tasks/{id}/reject', name: 'RejectTask', file: 'api/reject-task.ts' },
  { method: 'POST', path: '/v1/tasks/{id}/resume', name: 'ResumeTask', file: 'api/resume-task.ts' },
  { method: 'GET', path: '/v1/samples', name: 'ListSamples', file: 'api/list-samples.ts' },
  { method: 'GET', path: '/v1/employees', name: 'ListEmployees', file: 'api/list-employees.ts' },
  { method: 'PUT', path: '/v1/employees/{id}', name: 'PutEmployee', file: 'api/put-employee.ts' },
  { method: 'GET', path: '/v1/models', name: 'ListModels', file: 'api/list-models.ts' },
  { method: 'PUT', path: '/v1/models/{id}', name: 'PutModel', file: 'api/put-model.ts' },
  { method: 'DELETE', path: '/v1/models/{id}', name: 'DeleteModel', file: 'api/delete-model.ts' },
  { method: 'GET', path: '/v1/settings', name: 'GetSettings', file: 'api/get-settings.ts' },
  { method: 'PUT', path: '/v1/settings', name: 'PutSettings', file: 'api/put-settings.ts' },
  { method: 'POST', path: '/v1/documents', name: 'AddDocument', file: 'api/add-document.ts' },
  { method: 'GET', path: '/v1/documents', name: 'ListDocuments', file: 'api/list-documents.ts' },
  { method: 'DELETE', path: '/v1/documents/{id}', name: 'DeleteDocument', file: 'api/delete-document.ts' },
  { method: 'GET', path: '/v1/memories', name: 'ListMemories', file: 'api/list-memories.ts' },
  { method: 'DELETE', path: '/v1/memories', name: 'DeleteMemories', file: 'api/delete-memories.ts' },
  { method: 'DELETE', path: '/v1/memories/{id}', name: 'DeleteMemory', file: 'api/delete-memory.ts' },
];

/** Task state name (as in shared/workflow's ASL) → handler file. */
export const WORKFLOW_HANDLERS = {
  Plan: 'workflow/plan-task.ts',
  ApprovalGate: 'workflow/request-approval.ts',
  StartRun: 'workflow/start-run.ts',
  StartStep: 'workflow/start-step.ts',
  RunEmployee: 'workflow/run-employee.ts',
  DevAttempt: 'workflow/dev-attempt.ts',
  QAReview: 'workflow/qa-review.ts',
  RejectStep: 'workflow/reject-step.ts',
  Replan: 'workflow/replan.ts',
  Synthesize: 'workflow/synthesize.ts',
  Finalize: 'workflow/finalize-task.ts',
  MarkFailed: 'workflow/mark-task-failed.ts',
} as const;

export type AnyHandler = (event: never, context?: never) => Promise<unknown>;

// Static imports, one per file, so bundlers and Vite can see every handler.
const LOADERS: Record<string, () => Promise<{ handler: unknown }>> = {
  'api/create-task.ts': () => import('./api/create-task'),
  'api/list-tasks.ts': () => import('./api/list-tasks'),
  'api/get-task.ts': () => import('./api/get-task'),
  'api/list-events.ts': () => import('./api/list-events'),
  'api/list-files.ts': () => import('./api/list-files'),
  'api/get-file.ts': () => import('./api/get-file'),
  'api/get-archive.ts': () => import('./api/get-archive'),
  'api/cancel-task.ts': () => import('./api/cancel-task'),
  'api/approve-task.ts': () => import('./api/approve-task'),
  'api/reject-task.ts': () => import('./api/reject-task'),
  'api/resume-task.ts': () => import('./api/resume-task'),
  'api/list-samples.ts': () => import('./api/list-samples'),
  'api/list-employees.ts': () => import('./api/list-employees'),
  'api/put-employee.ts': () => import('./api/put-employee'),
  'api/list-models.ts': () => import('./api/list-models'),
  'api/put-model.ts': () => import('./api/put-model'),
  'api/delete-model.ts': () => import('./api/delete-model'),
  'api/get-settings.ts': () => import('./api/get-settings'),
  'api/put-settings.ts': () => import('./api/put-settings'),
  'api/add-document.ts': () => import('./api/add-document'),
  'api/list-documents.ts': () => import('./api/list-documents'),
  'api/delete-document.ts': () => import('./api/delete-document'),
  'api/list-memories.ts': () => import('./api/list-memories'),
  'api/delete-memories.ts': () => import('./api/delete-memories'),
  'api/delete-memory.ts': () => import('./api/delete-memory'),
  'workflow/plan-task.ts': () => import('./workflow/plan-task'),
  'workflow/request-approval.ts': () => import('./workflow/request-approval'),
  'workflow/start-run.ts': () => import('./workflow/start-run'),
  'workflow/start-step.ts': () => import('./workflow/start-step'),
  'workflow/run-employee.ts': () => import('./workflow/run-employee'),
  'workflow/dev-attempt.ts': () => import('./workflow/dev-attempt'),
  'workflow/qa-review.ts': () => import('./workflow/qa-review'),
  'workflow/reject-step.ts': () => import('./workflow/reject-step'),
  'workflow/replan.ts': () => import('./workflow/replan'),
  'workflow/synthesize.ts': () => import('./workflow/synthesize'),
  'workflow/finalize-task.ts': () => import('./workflow/finalize-task'),
  'workflow/mark-task-failed.ts': () => import('./workflow/mark-task-failed'),
};

/** Loads a handler module by its file name (for the local host). */
export async function loadHandler(file: string): Promise<AnyHandler> {
  const load = LOADERS[file];
  if (!load) throw new Error(`No handler file ${file} in functions/routes.ts`);
  return (await load()).handler as AnyHandler;
}

/** Every handler file, for checks that the tables above and the loaders agree. */
export const HANDLER_FILES = Object.keys(LOADERS);
