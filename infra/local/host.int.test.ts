import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task, TaskEvent } from '@techteam/shared/domain';
import { PortInUse } from '@techteam/shared/errors';
import { listTenantModelAudit } from '@techteam/shared/gateway/catalog';
import { createDocumentClient, ensureTable, Store } from '@techteam/shared/store';
import { eventually, hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsCommand } from './cli/models-command';
import { type Host, LOCAL_TENANT, startHost } from './host';

const quiet = () => {};

describe('the HTTP API through the API Gateway adapter', () => {
  let host: Host;
  const api = (path: string, init?: RequestInit) => fetch(`${host.url}${path}`, init);
  const post = (path: string, body: string) =>
    api(path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    host = await startHost({ config: hostTestConfig(), log: quiet, retryIntervalMs: 0 });
  });
  afterAll(async () => {
    await host.stop();
  });

  it('runs a submitted task to success and serves its events in pages', async () => {
    const res = await post('/v1/tasks', JSON.stringify({ prompt: 'Write a slugify function with tests' }));
    expect(res.status).toBe(201);
    const { task } = (await res.json()) as { task: Task };
    expect(['queued', 'planning']).toContain(task.status);
    await host.engine.idle();
    const got = (await (await api(`/v1/tasks/${task.id}`)).json()) as {
      task: Task;
      plan: { steps: unknown[] };
    };
    expect(got.task.status).toBe('succeeded');
    expect(got.plan.steps).toHaveLength(2);

    const all: TaskEvent[] = [];
    let after = '';
    for (let page = 0; page < 50; page++) {
      const r = await api(`/v1/tasks/${task.id}/events?limit=4${after ? `&after=${after}` : ''}`);
      const body = (await r.json()) as { events: TaskEvent[]; next?: string };
      all.push(...body.events);
      if (!body.next) break;
      after = body.next;
    }
    expect(all.length).toBeGreaterThan(10);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort());
    expect(all.at(-1)?.type).toBe('task_finished');

    const list = (await (await api('/v1/tasks')).json()) as { tasks: Task[] };
    expect(list.tasks.map((t) => t.id)).toContain(task.id);
  });

  it('answers malformed JSON with 400 naming the problem, and creates nothing', async () => {
    const before = ((await (await api('/v1/tasks')).json()) as { tasks: Task[] }).tasks.length;
    const res = await post('/v1/tasks', '{"prompt": ');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('InvalidInput');
    expect(body.error.message).toMatch(/Malformed JSON/);
    const after = ((await (await api('/v1/tasks')).json()) as { tasks: Task[] }).tasks.length;
    expect(after).toBe(before);
  });

  it('answers a body failing the schema with 400 naming the field', async () => {
    const res = await post('/v1/tasks', JSON.stringify({ prompt: 42 }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { message: string; details: { issues: { path: string }[] } };
    };
    expect(body.error.details.issues[0]?.path).toBe('prompt');
    const res2 = await post('/v1/tasks', JSON.stringify({ prompt: 'ok', preference: 'fastest' }));
    expect(((await res2.json()) as { error: { message: string } }).error.message).toMatch(
      /^Invalid body: preference/,
    );
  });

  it('answers an unknown task id with 404 and a malformed one with 400', async () => {
    const missing = 'tsk_01ARZ3NDEKTSV4RRFFQ69G5FAV';
    for (const path of [`/v1/tasks/${missing}`, `/v1/tasks/${missing}/events`]) {
      const res = await api(path);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('NotFound');
    }
    expect((await post(`/v1/tasks/${missing}/cancel`, '{}')).status).toBe(404);
    const bad = await api('/v1/tasks/not-a-task');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /id: must look like/,
    );
  });

  it('refuses a bad event cursor by naming it', async () => {
    const { task } = (await (await post('/v1/tasks', JSON.stringify({ prompt: 'x' }))).json()) as {
      task: Task;
    };
    const res = await api(`/v1/tasks/${task.id}/events?after=zzz`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/after/);
    await host.engine.idle();
  });

  it('answers unknown routes with 404, wrong methods with 405, and a broken path escape with 400', async () => {
    expect((await api('/v1/nothing')).status).toBe(404);
    const broken = await api('/v1/tasks/%E0');
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(
      /id is not a valid/,
    );
    const res = await api('/v1/tasks', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, GET');
  });

  it('cancels a task, and refuses to cancel it twice', async () => {
    // Waiting for approval, the task cannot finish before the cancel lands.
    const { task } = (await (
      await post('/v1/tasks', JSON.stringify({ prompt: 'Write a parser', requireApproval: true }))
    ).json()) as { task: Task };
    await eventually(async () => {
      const t = (await (await api(`/v1/tasks/${task.id}`)).json()) as { task: Task };
      return t.task.status === 'awaiting_approval' ? t : undefined;
    }, 'the plan to wait for approval');
    const res = await post(`/v1/tasks/${task.id}/cancel`, '');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { task: Task }).task.status).toBe('cancelled');
    const again = await post(`/v1/tasks/${task.id}/cancel`, '');
    expect(again.status).toBe(409);
    await host.engine.idle();
    const final = (await (await api(`/v1/tasks/${task.id}`)).json()) as { task: Task };
    expect(final.task.status).toBe('cancelled');
  });

  it('refuses to resume (or re-budget) a task that has not failed, leaving its budget as it was', async () => {
    const { task } = (await (
      await post(
        '/v1/tasks',
        JSON.stringify({ prompt: 'Write a parser', requireApproval: true, budgetUsd: 1 }),
      )
    ).json()) as { task: Task };
    await eventually(async () => {
      const t = (await (await api(`/v1/tasks/${task.id}`)).json()) as { task: Task };
      return t.task.status === 'awaiting_approval' ? t : undefined;
    }, 'the plan to wait for approval');
    const res = await post(`/v1/tasks/${task.id}/resume`, JSON.stringify({ budgetUsd: 5 }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(
      /is awaiting_approval; only a failed task can be resumed/,
    );
    expect((await host.store.getTask('local', task.id)).budgetMicroUsd).toBe(1_000_000);
    const bad = await post(`/v1/tasks/${task.id}/resume`, JSON.stringify({ budgetUsd: 'more' }));
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/budgetUsd/);
    const long = await post(`/v1/tasks/${task.id}/resume`, JSON.stringify({ note: 'x'.repeat(4_001) }));
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: { message: string } }).error.message).toMatch(
      /note.*at most 4000 characters/,
    );
    await post(`/v1/tasks/${task.id}/cancel`, '');
  });

  it('lists the models and live providers, takes a tenant’s own model, and refuses employees on unknown models', async () => {
    const view = (await (await api('/v1/models')).json()) as {
      demo: boolean;
      providers: { name: string; live: boolean; detail: string }[];
      models: { id: string; live: boolean; source: string }[];
    };
    expect(view.demo).toBe(true);
    expect(view.providers.find((p) => p.name === 'openai')).toMatchObject({
      live: false,
      detail: 'no credentials: set OPENAI_API_KEY',
    });
    expect(view.models.find((m) => m.id === 'demo-1')?.live).toBe(true);

    const put = (path: string, body: unknown) =>
      api(path, {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const bad = await put('/v1/models/my-llama', { provider: 'ollama', contextWindow: -1 });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { error: { details: { issues: { path: string }[] } } }).error
      .details.issues;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['providerModelId', 'contextWindow']));
    const ok = await put('/v1/models/my-llama', {
      provider: 'ollama',
      providerModelId: 'llama3.1:8b',
      contextWindow: 131072,
      maxOutputTokens: 8192,
      prices: { input: '0', output: '0', cachedInput: '0' },
    });
    expect(ok.status).toBe(200);
    const after = (await (await api('/v1/models')).json()) as typeof view;
    expect(after.models.find((m) => m.id === 'my-llama')).toMatchObject({ source: 'tenant', live: false });

    const employee = await put('/v1/employees/tester', {
      name: 'Tester',
      rolePrompt: 'You test.',
      allowedModels: ['demo-1', 'gpt-9'],
      defaultModel: 'demo-1',
    });
    expect(employee.status).toBe(400);
    expect(((await employee.json()) as { error: { message: string } }).error.message).toMatch(
      /allowedModels: unknown model\(s\) gpt-9/,
    );
  });

  it('holds shipped prices as a floor, deletes an override (404 when none), and `models --check` fails on a retired model in use', async () => {
    const send = (method: string, path: string, body?: unknown) =>
      api(path, {
        method,
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
    const haiku = {
      provider: 'anthropic',
      providerModelId: 'claude-haiku-4-5-20251001',
      contextWindow: 200000,
      maxOutputTokens: 64000,
      prices: { input: '0.50', output: '5.00', cachedInput: '0.10', cacheWrite: '1.25' },
    };
    const below = await send('PUT', '/v1/models/claude-haiku-4-5', haiku);
    expect(below.status).toBe(400);
    const issues = ((await below.json()) as { error: { details: { issues: { path: string }[] } } }).error
      .details.issues;
    expect(issues.map((i) => i.path)).toEqual(['prices.input']);
    const negotiated = await send('PUT', '/v1/models/claude-haiku-4-5', {
      ...haiku,
      negotiated: { reference: 'order form 114' },
    });
    expect(negotiated.status).toBe(200);
    const trail = await listTenantModelAudit(host.store, LOCAL_TENANT.tenantId, 'claude-haiku-4-5');
    expect(trail.at(-1)).toMatchObject({ action: 'put', actor: LOCAL_TENANT.principal, previous: null });

    expect((await send('DELETE', '/v1/models/claude-haiku-4-5')).status).toBe(200);
    const again = await send('DELETE', '/v1/models/claude-haiku-4-5');
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('NotFound');

    const legacy = {
      name: 'Legacy',
      rolePrompt: 'You keep old habits.',
      allowedModels: ['claude-sonnet-4-5', 'demo-1'],
      defaultModel: 'claude-sonnet-4-5',
      fallbacks: ['demo-1'],
    };
    expect((await send('PUT', '/v1/employees/legacy', legacy)).status).toBe(200);
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      url: host.url,
      isTty: false,
      out: (l: string) => out.push(l),
      err: (l: string) => err.push(l),
      progress: () => {},
      clearProgress: () => {},
    };
    expect(await modelsCommand(['--check'], io, {}, '2026-12-02')).toBe(1);
    expect(out.join('\n')).toMatch(
      /RETIRED {2}claude-sonnet-4-5 \(retired on 2026-11-30\): default of legacy, allowed for legacy/,
    );
    expect(err.join('\n')).toMatch(/A retired model is in use/);
    // The day before it retired, the same team only draws a warning.
    expect(await modelsCommand(['--check'], io, {}, '2026-11-29')).toBe(0);
    expect(out.at(-1)).toMatch(/warning +claude-sonnet-4-5 \(deprecated, retires on 2026-11-30\)/);

    expect(
      (
        await send('PUT', '/v1/employees/legacy', {
          ...legacy,
          allowedModels: ['demo-1'],
          defaultModel: 'demo-1',
          fallbacks: [],
        })
      ).status,
    ).toBe(200);
    expect(await modelsCommand(['--check'], io, {}, '2026-12-02')).toBe(0);
    expect(out.at(-1)).toMatch(/all current/);
  });

  it('keeps the tenant’s settings, refuses bad ones by field, and clears a limit with null', async () => {
    const put = (body: unknown) =>
      api('/v1/settings', {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const initial = (await (await api('/v1/settings')).json()) as { settings: Record<string, unknown> };
    expect(initial.settings).toEqual({
      monthlyBudgetUsd: null,
      effectiveMonthlyBudgetUsd: null,
      approvalThresholdUsd: null,
      heliconeCache: false,
    });

    const bad = await put({ monthlyBudgetUsd: -5, heliconeCache: 'yes' });
    expect(bad.status).toBe(400);
    const issues = ((await bad.json()) as { error: { details: { issues: { path: string }[] } } }).error
      .details.issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['heliconeCache', 'monthlyBudgetUsd']);

    const set = await put({ monthlyBudgetUsd: 25, approvalThresholdUsd: 2.5, heliconeCache: true });
    expect(((await set.json()) as { settings: unknown }).settings).toEqual({
      monthlyBudgetUsd: 25,
      effectiveMonthlyBudgetUsd: 25,
      approvalThresholdUsd: 2.5,
      heliconeCache: true,
    });
    expect(await host.store.getTenant('local')).toMatchObject({
      monthlyBudgetMicroUsd: 25_000_000,
      approvalThresholdMicroUsd: 2_500_000,
      heliconeCache: true,
    });
    const cleared = await put({ approvalThresholdUsd: null });
    expect(((await cleared.json()) as { settings: unknown }).settings).toEqual({
      monthlyBudgetUsd: 25,
      effectiveMonthlyBudgetUsd: 25,
      approvalThresholdUsd: null,
      heliconeCache: true,
    });
    await put({ monthlyBudgetUsd: null, heliconeCache: false });
  });

  it('answers a budget below one micro-USD and a 600 KB role prompt with 400 naming the field, not 500', async () => {
    const tiny = await post('/v1/tasks', JSON.stringify({ prompt: 'x', budgetUsd: 4e-7 }));
    expect(tiny.status).toBe(400);
    expect(((await tiny.json()) as { error: { message: string } }).error.message).toMatch(
      /budgetUsd: must be at least 0\.000001 USD/,
    );
    const setting = await api('/v1/settings', {
      method: 'PUT',
      body: JSON.stringify({ monthlyBudgetUsd: 1e-9 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(setting.status).toBe(400);
    const huge = await api('/v1/employees/writer', {
      method: 'PUT',
      body: JSON.stringify({
        name: 'Tech Writer',
        rolePrompt: 'x'.repeat(600 * 1024),
        allowedModels: ['demo-1'],
        defaultModel: 'demo-1',
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(400);
    const body = (await huge.json()) as {
      error: { details: { issues: { path: string; message: string }[] } };
    };
    expect(body.error.details.issues).toEqual([
      { path: 'rolePrompt', message: 'must be at most 32000 characters' },
    ]);
  });

  it('keeps tenant-defined employees, refuses bad profiles by field, and runs a plan that uses one', async () => {
    const put = (id: string, body: unknown) =>
      api(`/v1/employees/${id}`, {
        method: 'PUT',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    const writer = {
      name: 'Tech Writer',
      rolePrompt: 'You write clear documentation.',
      allowedModels: ['demo-1'],
      defaultModel: 'demo-1',
      tools: ['workspace.read', 'workspace.write'],
    };
    expect((await put('writer', writer)).status).toBe(200);
    const listed = (await (await api('/v1/employees')).json()) as {
      employees: { id: string; source: string }[];
    };
    expect(listed.employees.find((e) => e.id === 'writer')?.source).toBe('tenant');
    expect(listed.employees.find((e) => e.id === 'dev')?.source).toBe('built-in');

    const badTool = await put('writer', { ...writer, tools: ['shell.exec'] });
    expect(badTool.status).toBe(400);
    expect(((await badTool.json()) as { error: { message: string } }).error.message).toMatch(
      /tools: unknown tool\(s\) shell\.exec/,
    );
    const badModel = await put('writer', { ...writer, defaultModel: 'gpt-9' });
    expect(((await badModel.json()) as { error: { message: string } }).error.message).toMatch(/defaultModel/);

    const created = await post(
      '/v1/tasks',
      JSON.stringify({ prompt: 'Write a slugify function with tests', requireApproval: true }),
    );
    const { task } = (await created.json()) as { task: Task };
    await host.engine.idle();
    const plan = {
      summary: 'docs only',
      steps: [
        {
          id: 'docs',
          employee: 'writer',
          title: 'Write the docs',
          instructions: 'Document it.',
          dependsOn: [],
        },
      ],
    };
    const approved = await post(`/v1/tasks/${task.id}/approve`, JSON.stringify({ plan }));
    expect(approved.status).toBe(200);
    await host.engine.idle();
    const done = (await (await api(`/v1/tasks/${task.id}`)).json()) as { task: Task };
    expect(done.task.status).toBe('succeeded');
    const bad = await post(`/v1/tasks/${task.id}/approve`, JSON.stringify({}));
    expect(bad.status).toBe(409);
  });

  it('serves the dashboard at / (the placeholder page until web/ is built)', async () => {
    const res = await api('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<title>Techteam');
  });
});

describe('host lifecycle', () => {
  it('says which port is in use and which variable changes it', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await startHost({
        config: hostTestConfig({ TECHTEAM_PORT: String(port) }) as never,
        log: quiet,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PortInUse);
      expect((error as Error).message).toBe(
        `Port ${port} is already in use; set TECHTEAM_PORT to a free port`,
      );
    } finally {
      blocker.close();
    }
  });

  it('resumes a task that was mid-run when the host died, instead of leaving it running forever', async () => {
    const config = hostTestConfig();
    const doc = createDocumentClient({ endpoint: config.TECHTEAM_DYNAMO_ENDPOINT });
    await ensureTable(doc, config.TECHTEAM_TABLE);
    const store = new Store(doc, config.TECHTEAM_TABLE);
    // What a crash leaves behind: a task mid-planning with no execution.
    const task = await store.createTask('local', {
      prompt: 'Write a slugify function with tests',
      preference: 'cheap',
    });
    await store.transitionTask('local', task.id, 'planning');
    const lines: string[] = [];
    const host = await startHost({ config, log: (l) => lines.push(l), retryIntervalMs: 0 });
    try {
      expect(lines.join('\n')).toMatch(/Resumed\s+1 task/);
      await host.engine.idle();
      const after = await store.getTask('local', task.id);
      expect(after.status).toBe('succeeded');
      const log = (await store.listEvents('local', task.id, { limit: 1000 })).items;
      expect(log.some((e) => e.type === 'error' && e.code === 'HostInterrupted')).toBe(true);
    } finally {
      await host.stop();
    }
  });

  it('keeps every task and event on disk across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'techteam-host-'));
    const config = { ...hostTestConfig({ TECHTEAM_DATA_DIR: dir }), TECHTEAM_DYNAMO_ENDPOINT: undefined };
    try {
      const first = await startHost({ config, log: quiet, retryIntervalMs: 0 });
      const res = await fetch(`${first.url}/v1/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: 'Write a slugify function with tests' }),
      });
      const { task } = (await res.json()) as { task: Task };
      await first.engine.idle();
      const eventsBefore = (await first.store.listEvents('local', task.id, { limit: 500 })).items;
      await first.stop();

      const second = await startHost({ config, log: quiet });
      try {
        const listed = (await (await fetch(`${second.url}/v1/tasks`)).json()) as { tasks: Task[] };
        expect(listed.tasks.find((t) => t.id === task.id)?.status).toBe('succeeded');
        const eventsAfter = await eventually(async () => {
          const r = await fetch(`${second.url}/v1/tasks/${task.id}/events?limit=500`);
          return ((await r.json()) as { events: TaskEvent[] }).events;
        }, 'events');
        expect(eventsAfter).toEqual(eventsBefore);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
