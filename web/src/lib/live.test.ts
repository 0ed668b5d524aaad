import { describe, expect, it } from 'vitest';
import type { EventPage } from './api';
import { followTask, type LiveMode, type SocketLike } from './live';
import type { TaskEvent } from './types';

const ev = (n: number): TaskEvent =>
  ({
    id: `01J${String(n).padStart(23, '0')}`,
    taskId: 't',
    at: '',
    type: 'note_added',
    text: `e${n}`,
  }) as TaskEvent;

/** A socket server in memory that plays the live protocol from a shared event log. */
class FakeLiveServer {
  log: TaskEvent[] = [];
  sockets: FakeSocket[] = [];
  subscriptions: Array<{ after?: string }> = [];
  refuse = false;
  urls: string[] = [];
  open = (url: string): SocketLike => {
    this.urls.push(url);
    const s = new FakeSocket(this);
    this.sockets.push(s);
    queueMicrotask(() => (this.refuse ? s.onclose?.({}) : s.onopen?.({})));
    return s;
  };
  /** Writes an event and pushes it to every subscribed socket. */
  write(e: TaskEvent) {
    this.log.push(e);
    for (const s of this.sockets)
      if (s.subscribed && !s.closed) s.deliver({ type: 'event', taskId: 't', event: e });
  }
}

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  subscribed = false;
  closed = false;
  constructor(private readonly server: FakeLiveServer) {}
  deliver(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  send(data: string) {
    const msg = JSON.parse(data) as { action: string; after?: string };
    if (msg.action !== 'subscribe') return;
    this.server.subscriptions.push(msg.after ? { after: msg.after } : {});
    for (const e of this.server.log)
      if (!msg.after || e.id > msg.after) this.deliver({ type: 'event', taskId: 't', event: e });
    this.subscribed = true;
    this.deliver({ type: 'subscribed', topic: 'task', taskId: 't' });
  }
  /** The connection drops (the server's side). */
  drop() {
    this.closed = true;
    this.onclose?.({});
  }
  close() {
    this.closed = true;
  }
}

const noPolling = { events: async (): Promise<EventPage> => ({ events: [] }) };
const until = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe('the live client', () => {
  it('resumes after the last event it saw when the socket drops mid-run: nothing lost, nothing twice', async () => {
    const server = new FakeLiveServer();
    server.log = [ev(1), ev(2)];
    const seen: string[] = [];
    const modes: LiveMode[] = [];
    const stop = followTask(
      't',
      undefined,
      noPolling,
      { onEvents: (es) => seen.push(...es.map((e) => e.id)), onMode: (m) => modes.push(m) },
      {
        liveUrl: 'ws://host/v1/live',
        openSocket: server.open,
      },
    );
    await until(() => seen.length === 2);
    server.write(ev(3));
    server.sockets[0]!.drop();
    // Written while the client is away: it must come with the backlog of the new subscription.
    server.log.push(ev(4));
    await until(() => seen.length === 4);
    server.write(ev(5));
    await until(() => seen.length === 5);
    stop();
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => ev(n).id));
    expect(server.subscriptions).toEqual([{}, { after: ev(3).id }]);
    expect(modes).toContain('socket');
  });

  it('ignores an event the server sends twice', async () => {
    const server = new FakeLiveServer();
    const seen: string[] = [];
    const stop = followTask(
      't',
      undefined,
      noPolling,
      { onEvents: (es) => seen.push(...es.map((e) => e.id)) },
      { liveUrl: 'ws://h', openSocket: server.open },
    );
    await until(() => server.sockets[0]?.subscribed === true);
    server.write(ev(1));
    server.sockets[0]!.deliver({ type: 'event', taskId: 't', event: ev(1) });
    server.write(ev(2));
    await until(() => seen.length === 2);
    stop();
    expect(seen).toEqual([ev(1).id, ev(2).id]);
  });

  it('polls the events API with the cursor when the socket cannot open, and says so', async () => {
    const server = new FakeLiveServer();
    server.refuse = true;
    const log = [ev(1), ev(2), ev(3)];
    const asked: Array<string | undefined> = [];
    const source = {
      events: async (_id: string, after?: string): Promise<EventPage> => {
        asked.push(after);
        // One event a poll, with the next page flagged, as the API pages.
        const rest = log.filter((e) => !after || e.id > after);
        return { events: rest.slice(0, 1), ...(rest.length > 1 ? { next: rest[0]!.id } : {}) };
      },
    };
    const seen: string[] = [];
    const modes: LiveMode[] = [];
    const stop = followTask(
      't',
      undefined,
      source,
      { onEvents: (es) => seen.push(...es.map((e) => e.id)), onMode: (m) => modes.push(m) },
      {
        liveUrl: 'ws://h',
        openSocket: server.open,
        pollMs: 5,
      },
    );
    await until(() => seen.length === 3);
    log.push(ev(4));
    await until(() => seen.length === 4);
    stop();
    expect(seen).toEqual([1, 2, 3, 4].map((n) => ev(n).id));
    expect(asked.slice(0, 3)).toEqual([undefined, ev(1).id, ev(2).id]);
    expect(modes).toContain('polling');
  });

  it('asks for a fresh credential on every (re)connect and sends it as the token, never a stale one', async () => {
    const server = new FakeLiveServer();
    server.log = [ev(1)];
    let issued = 0;
    const seen: string[] = [];
    const stop = followTask(
      't',
      undefined,
      noPolling,
      { onEvents: (es) => seen.push(...es.map((e) => e.id)) },
      {
        liveUrl: 'wss://live.example.com/prod?region=eu',
        openSocket: server.open,
        // Clerk's getToken: a new session token once the last one is near its end.
        credential: async () => `session-token-${++issued}`,
      },
    );
    await until(() => seen.length === 1);
    server.sockets[0]!.drop();
    server.write(ev(2));
    await until(() => seen.length === 2);
    stop();
    expect(server.urls).toEqual([
      'wss://live.example.com/prod?region=eu&token=session-token-1',
      'wss://live.example.com/prod?region=eu&token=session-token-2',
    ]);
  });

  it('polls when no credential can be had for the socket (the session could not be refreshed)', async () => {
    const server = new FakeLiveServer();
    const modes: LiveMode[] = [];
    const stop = followTask(
      't',
      undefined,
      noPolling,
      { onEvents: () => {}, onMode: (m) => modes.push(m) },
      {
        liveUrl: 'ws://h',
        openSocket: server.open,
        pollMs: 5,
        credential: async () => {
          throw new Error('offline');
        },
      },
    );
    await until(() => modes.includes('polling'));
    stop();
    expect(server.urls).toEqual([]);
  });
});
