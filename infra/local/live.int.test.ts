import type { Task, TaskEvent } from '@techteam/shared/domain';
import { LiveUnauthorized, type ServerMessage } from '@techteam/shared/live';
import { hostTestConfig } from '@techteam/shared/testing/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TechteamClient } from './cli/api-client';
import { liveUrlOf } from './cli/live-follow';
import { followTask } from './cli/run-command';
import { type Host, startHost } from './host';
import { LiveRefused, openLive } from './live-client';

type EventMessage = Extract<ServerMessage, { type: 'event' }> & { event: TaskEvent };
const isEvent = (m: ServerMessage): m is EventMessage => m.type === 'event';
const finished = (m: ServerMessage) => isEvent(m) && m.event.type === 'task_finished';

describe('the live WebSocket of the local host', () => {
  let host: Host;
  let live: string;
  const api = (path: string, init?: RequestInit) => fetch(`${host.url}${path}`, init);
  const createTask = async (prompt: string) => {
    const res = await api('/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({ prompt }),
      headers: { 'content-type': 'application/json' },
    });
    return ((await res.json()) as { task: Task }).task;
  };
  const allEvents = async (taskId: string) =>
    ((await (await api(`/v1/tasks/${taskId}/events?limit=500`)).json()) as { events: TaskEvent[] }).events;

  beforeAll(async () => {
    host = await startHost({
      config: hostTestConfig(),
      log: () => {},
      retryIntervalMs: 0,
      // Two tenants on one host, as the identity authorizer will make them.
      authorizeLive: async (token) => {
        if (token === undefined || token === 'local') return { tenantId: 'local', scopes: [] };
        if (token === 'other') return { tenantId: 'other', scopes: [] };
        throw new LiveUnauthorized('the token is not a known key');
      },
    });
    live = `${host.url.replace('http', 'ws')}/v1/live`;
  });
  afterAll(async () => {
    await host.stop();
  });

  it("streams a task's events in order, the same as the events API, and the task list's status changes", async () => {
    const client = await openLive(live);
    client.send({ action: 'subscribe', topic: 'tasks' });
    await client.next((m) => m.type === 'subscribed');
    const task = await createTask('Write a slugify function with tests');
    client.send({ action: 'subscribe', topic: 'task', taskId: task.id });
    await client.next(finished, 60_000);
    await host.engine.idle();
    const events = client.received.filter(isEvent).map((m) => m.event);
    expect(events.map((e) => e.id)).toEqual((await allEvents(task.id)).map((e) => e.id));
    const statuses = client.received.flatMap((m) => (m.type === 'task' ? [(m.task as Task).status] : []));
    expect(statuses).toContain('queued');
    expect(statuses.at(-1)).toBe('succeeded');
    client.close();
  });

  it('resumes after the last event seen with no gap and no duplicate, cut at every point of a run', async () => {
    const task = await createTask('Write a slugify function with tests');
    await host.engine.idle();
    const all = (await allEvents(task.id)).map((e) => e.id);
    for (const cut of [0, 1, Math.floor(all.length / 2), all.length - 1]) {
      const first = await openLive(live);
      first.send({ action: 'subscribe', topic: 'task', taskId: task.id });
      await first.next((m) => m.type === 'subscribed');
      const seen = first.received
        .filter(isEvent)
        .slice(0, cut)
        .map((m) => m.event.id);
      first.close();
      const second = await openLive(live);
      second.send({
        action: 'subscribe',
        topic: 'task',
        taskId: task.id,
        ...(seen.length ? { after: seen.at(-1) } : {}),
      });
      await second.next((m) => m.type === 'subscribed');
      const rest = second.received.filter(isEvent).map((m) => m.event.id);
      expect([...seen, ...rest]).toEqual(all);
      second.close();
    }
  });

  it('a reconnect mid-run loses and duplicates nothing', async () => {
    const first = await openLive(live);
    const task = await createTask('Write a slugify function with tests');
    first.send({ action: 'subscribe', topic: 'task', taskId: task.id });
    await first.next((m) => isEvent(m) && (m.event.seq ?? 0) >= 3);
    first.close();
    const seen = first.received.filter(isEvent).map((m) => m.event.id);
    const second = await openLive(live);
    second.send({ action: 'subscribe', topic: 'task', taskId: task.id, after: seen.at(-1) });
    await second.next(finished, 60_000);
    const rest = second.received.filter(isEvent).map((m) => m.event.id);
    expect([...seen, ...rest]).toEqual((await allEvents(task.id)).map((e) => e.id));
    second.close();
  });

  it('refuses a browser origin other than its own dashboard, and a wrong Host', async () => {
    const refused = await openLive(live, { origin: 'http://evil.example' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(LiveRefused);
    expect((refused as LiveRefused).status).toBe(403);
    expect((refused as LiveRefused).body).toContain('OriginNotAllowed');
    const own = await openLive(live, { origin: host.url });
    own.close();
  });

  it('refuses a token the authorizer does not accept with 401', async () => {
    const refused = await openLive(live, { token: 'tt_wrong' }).catch((e: unknown) => e);
    expect((refused as LiveRefused).status).toBe(401);
  });

  it('gives a client of another tenant nothing of this tenant', async () => {
    const stranger = await openLive(live, { token: 'other' });
    stranger.send({ action: 'subscribe', topic: 'tasks' });
    await stranger.next((m) => m.type === 'subscribed');
    const watcher = await openLive(live);
    watcher.send({ action: 'subscribe', topic: 'tasks' });
    await watcher.next((m) => m.type === 'subscribed');
    const task = await createTask('Write a slugify function with tests');
    stranger.send({ action: 'subscribe', topic: 'task', taskId: task.id });
    const error = await stranger.next((m) => m.type === 'error');
    expect(error).toMatchObject({ code: 'NotFound' });
    await watcher.next(
      (m) => m.type === 'task' && (m.task as Task).id === task.id && (m.task as Task).status === 'succeeded',
      60_000,
    );
    // The watcher of the tenant saw the whole run; the stranger got only its own answers.
    stranger.send({ action: 'ping' });
    await stranger.next((m) => m.type === 'pong');
    expect(stranger.received.map((m) => m.type)).toEqual(['subscribed', 'error', 'pong']);
    stranger.close();
    watcher.close();
  });

  it('answers a malformed frame with an error naming the field, and stays open', async () => {
    const client = await openLive(live);
    client.send({ action: 'subscribe', topic: 'task', taskId: 'nope' } as never);
    const error = await client.next((m) => m.type === 'error');
    expect(error).toMatchObject({ code: 'InvalidMessage' });
    expect((error as { message: string }).message).toContain('taskId');
    client.send({ action: 'ping' });
    await client.next((m) => m.type === 'pong');
    client.close();
  });

  it('techteam run / show --follow follow a task over the socket, with no polling', async () => {
    const task = await createTask('Write a slugify function with tests');
    const polling = async () => {
      throw new Error('the events API was polled');
    };
    const client = { allEvents: polling, eventsWithDeltas: polling } as unknown as TechteamClient;
    const lines: string[] = [];
    const io = {
      url: host.url,
      isTty: false,
      out: (l: string) => lines.push(l),
      err: (l: string) => lines.push(l),
      progress: () => {},
      clearProgress: () => {},
    };
    const code = await followTask(client, task.id, io as never, undefined, 50, liveUrlOf(host.url));
    expect(code).toBe(0);
    expect(lines.join('\n')).not.toContain('polling');
    expect(lines.length).toBeGreaterThanOrEqual((await allEvents(task.id)).length);
  });

  it('GET /v1/config tells the dashboard where the API and the live socket are', async () => {
    const res = await api('/v1/config');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ apiUrl: host.url, liveUrl: live, auth: 'none', demo: true });
  });
});
