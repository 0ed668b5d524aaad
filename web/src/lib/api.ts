import { credentialRefused, currentCredential } from './credential';
import type {
  BillingStatus,
  DashboardConfig,
  Employee,
  Invoice,
  ModelsView,
  Plan,
  Sample,
  Settings,
  Task,
  TaskDelta,
  TaskDetail,
  TaskEvent,
  UsageView,
} from './types';

/** An answer from the API that was not a success: its code and message, and the fields it names. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Array<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

export { storeCredential, storedCredential } from './credential';

/** One of the tenant's API keys as GET /v1/keys lists it (never its secret). */
export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

let apiBase = '';
/**
 * Where the HTTP API is: `apiUrl` from `/v1/config`. The page's own origin (the local host, or
 * CloudFront forwarding /v1/*) stays relative, so links such as the archive download are too.
 */
export function setApiBase(url: string): void {
  const base = url.replace(/\/$/, '');
  apiBase = typeof location !== 'undefined' && base === location.origin ? '' : base;
}

interface RequestOptions {
  /** Send this credential, not the signed-in one, and let a 401 be the caller's answer (checking a key at sign-in). */
  credential?: string;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const credential = options.credential ?? (await currentCredential());
  if (credential) headers['authorization'] = `Bearer ${credential}`;
  let res: Response;
  try {
    res = await fetch(`${apiBase}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'Unreachable', 'The API did not answer. Is the host running?');
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (res.status === 401 && options.credential === undefined) credentialRefused(!!credential);
  if (!res.ok) {
    const error = (
      json as { error?: { code?: string; message?: string; details?: { issues?: ApiError['fields'] } } }
    )?.error;
    throw new ApiError(
      res.status,
      error?.code ?? `Http${res.status}`,
      error?.message ?? `The API answered ${res.status}`,
      error?.details?.issues ?? [],
    );
  }
  return json as T;
}

export interface NewTask {
  prompt: string;
  title?: string;
  preference: 'quality' | 'balanced' | 'cheap';
  requireApproval: boolean;
  budgetUsd?: number;
  team?: TaskTeam;
}

/** Who may work on a task (ids from GET /v1/employees) and the model each tries first. */
export interface TaskTeam {
  employees: string[];
  models?: Record<string, string>;
}

export interface EventPage {
  events: TaskEvent[];
  next?: string;
  deltas?: TaskDelta[];
  deltaCursor?: string;
}

const enc = encodeURIComponent;

export const api = {
  config: () => request<DashboardConfig>('GET', '/v1/config'),
  /** Whether the API takes `key`: its first task, asked with that key alone (every scope reads tasks). */
  checkKey: (key: string) =>
    request<{ tasks: Task[] }>('GET', '/v1/tasks?limit=1', undefined, { credential: key }),
  listTasks: (cursor?: string) =>
    request<{ tasks: Task[]; next?: string }>(
      'GET',
      `/v1/tasks?limit=50${cursor ? `&cursor=${enc(cursor)}` : ''}`,
    ),
  getTask: (id: string) => request<TaskDetail>('GET', `/v1/tasks/${enc(id)}`),
  createTask: (input: NewTask) => request<{ task: Task }>('POST', '/v1/tasks', input),
  events: (id: string, after?: string, deltasAfter?: string) => {
    const q = new URLSearchParams({ limit: '500', deltas: 'true' });
    if (after) q.set('after', after);
    if (deltasAfter) q.set('deltasAfter', deltasAfter);
    return request<EventPage>('GET', `/v1/tasks/${enc(id)}/events?${q}`);
  },
  files: (id: string) =>
    request<{ files: Array<{ path: string; bytes: number }> }>('GET', `/v1/tasks/${enc(id)}/files`),
  fileText: async (id: string, path: string): Promise<string> => {
    const credential = await currentCredential();
    const res = await fetch(`${apiBase}/v1/tasks/${enc(id)}/files/${path.split('/').map(enc).join('/')}`, {
      headers: credential ? { authorization: `Bearer ${credential}` } : {},
    });
    if (res.status === 401) credentialRefused(!!credential);
    if (!res.ok) throw new ApiError(res.status, `Http${res.status}`, `Could not read ${path}`);
    return res.text();
  },
  archiveUrl: (id: string) => `${apiBase}/v1/tasks/${enc(id)}/archive`,
  /** The workspace as a zip, fetched with the signed-in credential (a plain link carries none). */
  archive: async (id: string): Promise<{ blob: Blob; fileName: string }> => {
    const credential = await currentCredential();
    const res = await fetch(`${apiBase}/v1/tasks/${enc(id)}/archive`, {
      headers: credential ? { authorization: `Bearer ${credential}` } : {},
    });
    if (res.status === 401) credentialRefused(!!credential);
    if (!res.ok) throw new ApiError(res.status, `Http${res.status}`, 'Could not download the files');
    const named = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '');
    return { blob: await res.blob(), fileName: named?.[1] ?? `${id}.zip` };
  },
  cancel: (id: string) => request<{ task: Task }>('POST', `/v1/tasks/${enc(id)}/cancel`, {}),
  approve: (id: string, body: { plan?: Plan; note?: string }) =>
    request<{ task: Task }>('POST', `/v1/tasks/${enc(id)}/approve`, body),
  reject: (id: string, note?: string) =>
    request<{ task: Task }>('POST', `/v1/tasks/${enc(id)}/reject`, note ? { note } : {}),
  resume: (id: string, body: { note?: string; budgetUsd?: number }) =>
    request<{ task: Task }>('POST', `/v1/tasks/${enc(id)}/resume`, body),
  samples: () => request<{ samples: Sample[] }>('GET', '/v1/samples'),
  employees: () => request<{ employees: Employee[] }>('GET', '/v1/employees'),
  putEmployee: (id: string, profile: Omit<Employee, 'id' | 'source'>) =>
    request<{ employee: Employee }>('PUT', `/v1/employees/${enc(id)}`, profile),
  models: () => request<ModelsView>('GET', '/v1/models'),
  settings: () => request<{ settings: Settings }>('GET', '/v1/settings'),
  keys: () => request<{ keys: ApiKey[] }>('GET', '/v1/keys'),
  createKey: (input: { name: string; scopes: string[] }) =>
    request<{ key: string; apiKey: ApiKey }>('POST', '/v1/keys', input),
  revokeKey: (id: string) => request<{ apiKey: ApiKey }>('DELETE', `/v1/keys/${enc(id)}`),
  putSettings: (s: Partial<Settings>) => request<{ settings: Settings }>('PUT', '/v1/settings', s),
  usage: (month: string) => request<UsageView>('GET', `/v1/usage?month=${enc(month)}`),
  billing: () => request<{ billing: BillingStatus }>('GET', '/v1/billing'),
  invoices: () => request<{ invoices: Invoice[] }>('GET', '/v1/billing/invoices'),
  checkout: (plan: string) => request<{ url: string }>('POST', '/v1/billing/checkout', { plan }),
  portal: () => request<{ url: string }>('POST', '/v1/billing/portal', {}),
};
