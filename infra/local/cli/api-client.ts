import type { Plan, StepResult, Task, TaskEvent } from '@techteam/shared/domain';
import type { EmployeeModels } from '@techteam/shared/gateway/catalog/models-in-use';
import type { ModelsView } from '@techteam/shared/gateway/catalog/models-view';
import type { TaskDelta } from '@techteam/shared/store';
import type { BillingStatusView, BillingUsageView } from './billing-command';

/** One poll of a task followed live: its events after a cursor, and the streamed text after its own. */
export interface LivePage {
  events: TaskEvent[];
  deltas: TaskDelta[];
  /** Pass back as `deltasAfter`; absent until the task has streamed anything. */
  deltaCursor?: string;
}

export class HostUnreachable extends Error {
  constructor(readonly url: string) {
    super(
      `No Techteam host answers at ${url}. Start one with \`npm start\` (or set TECHTEAM_URL to where it runs).`,
    );
    this.name = 'HostUnreachable';
  }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The public HTTP API, as a customer's program would call it. */
export interface ApiKeyView {
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

/** A document as GET /v1/documents shows it (functions/api/documents.ts). */
export interface DocumentView {
  id: string;
  name: string;
  kind: string;
  bytes: number;
  status: 'queued' | 'indexed' | 'failed';
  reason?: string;
  chunks?: number;
  embedded?: number;
  createdAt: string;
  updatedAt: string;
}

export class TechteamClient {
  /** `apiKey`: sent as `Authorization: Bearer …`; by default TECHTEAM_API_KEY, when set. */
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined = process.env['TECHTEAM_API_KEY'] || undefined,
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    // A host that is still booting answers 503 Starting for a few seconds: wait for it.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send<T>(method, path, body);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'Starting') || attempt >= 60) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new HostUnreachable(this.baseUrl);
    }
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, path, body);
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(res.status, 'BadResponse', `The host answered ${res.status} with a non-JSON body`);
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } }).error;
      throw new ApiError(res.status, err?.code ?? 'Error', err?.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }

  /** GET /v1/billing: the plan, its entitlements and the subscription (billing on or off). */
  billingStatus(): Promise<{ billing: BillingStatusView }> {
    return this.request('GET', '/v1/billing');
  }

  /** GET /v1/billing/usage: the month's spend recorded, reported to Stripe and acknowledged. */
  billingUsage(): Promise<{ usage: BillingUsageView }> {
    return this.request('GET', '/v1/billing/usage');
  }

  createTask(input: {
    prompt: string;
    preference?: string;
    title?: string;
    requireApproval?: boolean;
    budgetUsd?: number;
  }): Promise<{ task: Task }> {
    return this.request('POST', '/v1/tasks', input);
  }

  createKey(input: { name: string; scopes: string[]; expiresAt?: string }): Promise<{
    key: string;
    apiKey: ApiKeyView;
  }> {
    return this.request('POST', '/v1/keys', input);
  }

  listKeys(): Promise<{ keys: ApiKeyView[] }> {
    return this.request('GET', '/v1/keys');
  }

  revokeKey(id: string): Promise<{ apiKey: ApiKeyView }> {
    return this.request('DELETE', `/v1/keys/${encodeURIComponent(id)}`);
  }

  addDocument(input: {
    name: string;
    content: string;
  }): Promise<{ document: DocumentView; embedder: string }> {
    return this.request('POST', '/v1/documents', input);
  }

  listDocuments(): Promise<{ documents: DocumentView[]; embedder: string }> {
    return this.request('GET', '/v1/documents');
  }

  deleteDocument(id: string): Promise<{ deleted: string }> {
    return this.request('DELETE', `/v1/documents/${encodeURIComponent(id)}`);
  }

  listModels(): Promise<ModelsView> {
    return this.request('GET', '/v1/models');
  }

  deleteModel(id: string): Promise<{ deleted: string }> {
    return this.request('DELETE', `/v1/models/${encodeURIComponent(id)}`);
  }

  listEmployees(): Promise<{ employees: EmployeeModels[] }> {
    return this.request('GET', '/v1/employees');
  }

  listTasks(limit = 20, cursor?: string): Promise<{ tasks: Task[]; next?: string }> {
    const q = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
    return this.request('GET', `/v1/tasks?${q}`);
  }

  getTask(id: string): Promise<{ task: Task; plan: Plan | null; steps: StepResult[] }> {
    return this.request('GET', `/v1/tasks/${encodeURIComponent(id)}`);
  }

  listEvents(id: string, after?: string, limit = 200): Promise<{ events: TaskEvent[]; next?: string }> {
    const q = new URLSearchParams({ limit: String(limit), ...(after ? { after } : {}) });
    return this.request('GET', `/v1/tasks/${encodeURIComponent(id)}/events?${q}`);
  }

  listFiles(id: string): Promise<{ files: { path: string; bytes: number; problem?: string }[] }> {
    return this.request('GET', `/v1/tasks/${encodeURIComponent(id)}/files`);
  }

  /** A workspace file's bytes, exactly as stored. */
  async getFile(id: string, path: string): Promise<Buffer> {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    const res = await this.fetch('GET', `/v1/tasks/${encodeURIComponent(id)}/files/${encoded}`);
    if (res.ok) return Buffer.from(await res.arrayBuffer());
    const err = ((await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } })
      .error;
    throw new ApiError(res.status, err?.code ?? 'Error', err?.message ?? `HTTP ${res.status}`);
  }

  cancelTask(id: string): Promise<{ task: Task }> {
    return this.request('POST', `/v1/tasks/${encodeURIComponent(id)}/cancel`, {});
  }

  approveTask(id: string, body: { plan?: unknown; note?: string }): Promise<{ task: Task }> {
    return this.request('POST', `/v1/tasks/${encodeURIComponent(id)}/approve`, body);
  }

  rejectTask(id: string, body: { note?: string }): Promise<{ task: Task }> {
    return this.request('POST', `/v1/tasks/${encodeURIComponent(id)}/reject`, body);
  }

  resumeTask(id: string, body: { budgetUsd?: number; note?: string } = {}): Promise<{ task: Task }> {
    return this.request('POST', `/v1/tasks/${encodeURIComponent(id)}/resume`, body);
  }

  listSamples(): Promise<{ samples: { id: string; prompt: string; runtime: string }[] }> {
    return this.request('GET', '/v1/samples');
  }

  /** Every event after `after` (across pages) and, from the first page, the streamed text after `deltasAfter`. */
  async eventsWithDeltas(id: string, after?: string, deltasAfter?: string): Promise<LivePage> {
    const q = new URLSearchParams({
      limit: '200',
      deltas: 'true',
      ...(after ? { after } : {}),
      ...(deltasAfter ? { deltasAfter } : {}),
    });
    const first = await this.request<LivePage & { next?: string }>(
      'GET',
      `/v1/tasks/${encodeURIComponent(id)}/events?${q}`,
    );
    const events = first.next ? [...first.events, ...(await this.allEvents(id, first.next))] : first.events;
    return {
      events,
      deltas: first.deltas ?? [],
      ...(first.deltaCursor ? { deltaCursor: first.deltaCursor } : {}),
    };
  }

  /** Every event of a task after `after`, across pages. */
  async allEvents(id: string, after?: string): Promise<TaskEvent[]> {
    const out: TaskEvent[] = [];
    let cursor = after;
    for (;;) {
      const page = await this.listEvents(id, cursor);
      out.push(...page.events);
      if (!page.next) return out;
      cursor = page.next;
    }
  }
}
