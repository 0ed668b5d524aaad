import type { Plan, StepResult, Task, TaskEvent } from '@techteam/shared/domain';
import type { EmployeeModels, ModelsView } from '@techteam/shared/gateway/catalog';
import type { TaskDelta } from '@techteam/shared/store';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api-types';
import type { BillingStatusView, BillingUsageView } from './billing-command';

/** A route's JSON request body, as the API's document describes it. */
type Body<P extends keyof paths, M extends 'post' | 'put'> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

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
  /** The API through its generated types (api-types.ts, from functions/openapi.json). */
  private readonly api: Client<paths>;

  /** `apiKey`: sent as `Authorization: Bearer …`; by default TECHTEAM_API_KEY, when set. */
  constructor(
    readonly baseUrl: string,
    private readonly apiKey: string | undefined = process.env['TECHTEAM_API_KEY'] || undefined,
  ) {
    this.api = createClient<paths>({
      baseUrl: baseUrl.replace(/\/$/, ''),
      fetch: (request: Request) => this.reach(request),
      ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
    });
  }

  /** Sends one request; a host that does not answer at all is HostUnreachable. */
  private async reach(request: Request, json = true): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(request);
    } catch {
      throw new HostUnreachable(this.baseUrl);
    }
    if (!res.ok || !json) return res;
    const text = await res.text();
    try {
      if (text) JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'BadResponse', `The host answered ${res.status} with a non-JSON body`);
    }
    return new Response(text || null, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  }

  /**
   * One typed call, its answer or its error as an ApiError. A host that is still booting answers
   * 503 Starting for a few seconds: wait for it.
   */
  private async call<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.answer(send);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'Starting') || attempt >= 60) throw e;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private async answer<T>(
    send: () => Promise<{ data?: T; error?: unknown; response: Response }>,
  ): Promise<T> {
    let out: { data?: T; error?: unknown; response: Response };
    try {
      out = await send();
    } catch (e) {
      throw e instanceof HostUnreachable || e instanceof ApiError
        ? e
        : new ApiError(0, 'BadResponse', String(e));
    }
    const { data, error, response } = out;
    if (response.ok) return (data ?? {}) as T;
    if (typeof error !== 'object' || error === null)
      throw new ApiError(
        response.status,
        'BadResponse',
        `The host answered ${response.status} with a non-JSON body`,
      );
    const err = (error as { error?: { code?: string; message?: string } }).error;
    throw new ApiError(response.status, err?.code ?? 'Error', err?.message ?? `HTTP ${response.status}`);
  }

  /** GET /v1/billing: the plan, its entitlements and the subscription (billing on or off). */
  billingStatus(): Promise<{ billing: BillingStatusView }> {
    return this.call(() => this.api.GET('/v1/billing')) as Promise<{ billing: BillingStatusView }>;
  }

  /** GET /v1/billing/usage: the month's spend recorded, reported to Stripe and acknowledged. */
  billingUsage(): Promise<{ usage: BillingUsageView }> {
    return this.call(() => this.api.GET('/v1/billing/usage')) as Promise<{ usage: BillingUsageView }>;
  }

  createTask(input: Body<'/v1/tasks', 'post'>): Promise<{ task: Task }> {
    return this.call(() => this.api.POST('/v1/tasks', { body: input })) as Promise<{ task: Task }>;
  }

  createKey(input: Body<'/v1/keys', 'post'>): Promise<{ key: string; apiKey: ApiKeyView }> {
    return this.call(() => this.api.POST('/v1/keys', { body: input }));
  }

  listKeys(): Promise<{ keys: ApiKeyView[] }> {
    return this.call(() => this.api.GET('/v1/keys'));
  }

  revokeKey(id: string): Promise<{ apiKey: ApiKeyView }> {
    return this.call(() => this.api.DELETE('/v1/keys/{id}', { params: { path: { id } } }));
  }

  addDocument(input: {
    name: string;
    content: string;
  }): Promise<{ document: DocumentView; embedder: string }> {
    return this.call(() => this.api.POST('/v1/documents', { body: input })) as Promise<{
      document: DocumentView;
      embedder: string;
    }>;
  }

  listDocuments(): Promise<{ documents: DocumentView[]; embedder: string }> {
    return this.call(() => this.api.GET('/v1/documents')) as Promise<{
      documents: DocumentView[];
      embedder: string;
    }>;
  }

  deleteDocument(id: string): Promise<{ deleted: string }> {
    return this.call(() => this.api.DELETE('/v1/documents/{id}', { params: { path: { id } } })) as Promise<{
      deleted: string;
    }>;
  }

  listModels(): Promise<ModelsView> {
    return this.call(() => this.api.GET('/v1/models')) as Promise<ModelsView>;
  }

  deleteModel(id: string): Promise<{ deleted: string }> {
    return this.call(() => this.api.DELETE('/v1/models/{id}', { params: { path: { id } } }));
  }

  listEmployees(): Promise<{ employees: EmployeeModels[] }> {
    return this.call(() => this.api.GET('/v1/employees')) as Promise<{ employees: EmployeeModels[] }>;
  }

  listTasks(limit = 20, cursor?: string): Promise<{ tasks: Task[]; next?: string }> {
    return this.call(() =>
      this.api.GET('/v1/tasks', { params: { query: { limit, ...(cursor ? { cursor } : {}) } } }),
    ) as Promise<{ tasks: Task[]; next?: string }>;
  }

  getTask(id: string): Promise<{ task: Task; plan: Plan | null; steps: StepResult[] }> {
    return this.call(() => this.api.GET('/v1/tasks/{id}', { params: { path: { id } } })) as Promise<{
      task: Task;
      plan: Plan | null;
      steps: StepResult[];
    }>;
  }

  listEvents(id: string, after?: string, limit = 200): Promise<{ events: TaskEvent[]; next?: string }> {
    return this.call(() =>
      this.api.GET('/v1/tasks/{id}/events', {
        params: { path: { id }, query: { limit, ...(after ? { after } : {}) } },
      }),
    ) as Promise<{ events: TaskEvent[]; next?: string }>;
  }

  listFiles(id: string): Promise<{ files: { path: string; bytes: number; problem?: string }[] }> {
    return this.call(() => this.api.GET('/v1/tasks/{id}/files', { params: { path: { id } } }));
  }

  /**
   * A workspace file's bytes, exactly as stored. Sent by hand: the path's slashes stay slashes
   * (the route is `{path+}`), where openapi-fetch would encode them, and the answer is bytes.
   */
  async getFile(id: string, path: string): Promise<Buffer> {
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    const res = await this.reach(
      new Request(new URL(`/v1/tasks/${encodeURIComponent(id)}/files/${encoded}`, this.baseUrl), {
        headers: this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {},
      }),
      false,
    );
    if (res.ok) return Buffer.from(await res.arrayBuffer());
    const err = ((await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } })
      .error;
    throw new ApiError(res.status, err?.code ?? 'Error', err?.message ?? `HTTP ${res.status}`);
  }

  cancelTask(id: string): Promise<{ task: Task }> {
    return this.call(() => this.api.POST('/v1/tasks/{id}/cancel', { params: { path: { id } } })) as Promise<{
      task: Task;
    }>;
  }

  approveTask(id: string, body: Body<'/v1/tasks/{id}/approve', 'post'>): Promise<{ task: Task }> {
    return this.call(() =>
      this.api.POST('/v1/tasks/{id}/approve', { params: { path: { id } }, body }),
    ) as Promise<{ task: Task }>;
  }

  rejectTask(id: string, body: Body<'/v1/tasks/{id}/reject', 'post'>): Promise<{ task: Task }> {
    return this.call(() =>
      this.api.POST('/v1/tasks/{id}/reject', { params: { path: { id } }, body }),
    ) as Promise<{ task: Task }>;
  }

  resumeTask(id: string, body: Body<'/v1/tasks/{id}/resume', 'post'> = {}): Promise<{ task: Task }> {
    return this.call(() =>
      this.api.POST('/v1/tasks/{id}/resume', { params: { path: { id } }, body }),
    ) as Promise<{ task: Task }>;
  }

  listSamples(): Promise<{ samples: { id: string; prompt: string; runtime: string }[] }> {
    return this.call(() => this.api.GET('/v1/samples'));
  }

  /** Every event after `after` (across pages) and, from the first page, the streamed text after `deltasAfter`. */
  async eventsWithDeltas(id: string, after?: string, deltasAfter?: string): Promise<LivePage> {
    const first = (await this.call(() =>
      this.api.GET('/v1/tasks/{id}/events', {
        params: {
          path: { id },
          query: {
            limit: 200,
            deltas: 'true',
            ...(after ? { after } : {}),
            ...(deltasAfter ? { deltasAfter } : {}),
          },
        },
      }),
    )) as LivePage & { next?: string };
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
