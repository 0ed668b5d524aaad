import type { EventPage } from './api';
import type { Task, TaskDelta, TaskEvent } from './types';

/** How the dashboard is hearing about a task: over the socket, or by asking the API every second. */
export type LiveMode = 'connecting' | 'socket' | 'polling' | 'stopped';

/** The server's frames (the live protocol shared with the host and the AWS WebSocket API). */
type ServerFrame =
  | { type: 'subscribed'; topic: string; taskId?: string }
  | { type: 'event'; taskId: string; event: TaskEvent }
  | { type: 'task'; task: Task }
  | { type: 'delta'; taskId: string; stepId?: string; employee: string; text: string }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

/** The least of the browser's WebSocket this client uses (so tests can pass `ws`'s). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface LiveOptions {
  /** The socket's URL, or null when there is none (then it polls). */
  liveUrl: string | null;
  /**
   * Asked on every (re)connect and sent as the URL's `token`: a Clerk session token lives about a
   * minute, so one taken when the page loaded would be refused by a reconnect later on.
   */
  credential?: () => Promise<string | null>;
  openSocket?: SocketFactory;
  /** Milliseconds between polls (default 1000). */
  pollMs?: number;
}

export interface TaskFeedHandlers {
  /** New events, in id order, each exactly once. */
  onEvents(events: TaskEvent[]): void;
  onDelta?(delta: Pick<TaskDelta, 'stepId' | 'employee' | 'text'>): void;
  onMode?(mode: LiveMode): void;
}

export interface TaskFeedSource {
  events(taskId: string, after?: string, deltasAfter?: string): Promise<EventPage>;
}

const browserSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

/** The socket's URL with a fresh credential, or null when there is no socket or no credential could be had. */
async function socketUrl(options: LiveOptions): Promise<string | null> {
  if (!options.liveUrl || !options.credential) return options.liveUrl;
  try {
    return withToken(options.liveUrl, await options.credential());
  } catch {
    return null;
  }
}
const RECONNECT_MS = [250, 500, 1000, 2000, 4000];

/**
 * Follows one task's event log from `after`: over the socket when it opens (re-subscribing after the
 * last event seen when it drops, so nothing is lost or repeated), else by polling the events API
 * with the same cursor. Returns a function that stops it.
 */
export function followTask(
  taskId: string,
  after: string | undefined,
  source: TaskFeedSource,
  handlers: TaskFeedHandlers,
  options: LiveOptions,
): () => void {
  let last = after;
  let deltaCursor: string | undefined;
  let stopped = false;
  let socket: SocketLike | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  const setMode = (m: LiveMode) => handlers.onMode?.(m);

  const deliver = (events: TaskEvent[]) => {
    // ULIDs sort as strings: anything at or before the cursor was already delivered.
    const fresh = events.filter((e) => last === undefined || e.id > last);
    if (fresh.length === 0) return;
    last = fresh[fresh.length - 1]!.id;
    handlers.onEvents(fresh);
  };

  const poll = async () => {
    if (stopped) return;
    try {
      let page: EventPage;
      do {
        page = await source.events(taskId, last, deltaCursor);
        if (stopped) return;
        deliver(page.events);
        for (const d of page.deltas ?? []) handlers.onDelta?.(d);
        if (page.deltaCursor) deltaCursor = page.deltaCursor;
      } while (page.next);
    } catch {
      // A failed poll is retried on the next tick; the cursor has not moved.
    }
    if (!stopped) timer = setTimeout(poll, options.pollMs ?? 1000);
  };

  const startPolling = () => {
    setMode('polling');
    void poll();
  };

  const connect = async () => {
    if (stopped) return;
    if (!options.liveUrl) return startPolling();
    setMode('connecting');
    const url = await socketUrl(options);
    if (stopped) return;
    if (!url) return startPolling();
    let opened = false;
    let s: SocketLike;
    try {
      s = (options.openSocket ?? browserSocket)(url);
    } catch {
      return startPolling();
    }
    socket = s;
    s.onopen = () => {
      opened = true;
      failures = 0;
      s.send(
        JSON.stringify({ action: 'subscribe', topic: 'task', taskId, ...(last ? { after: last } : {}) }),
      );
    };
    s.onmessage = (msg) => {
      const frame = parseFrame(msg.data);
      if (!frame) return;
      if (frame.type === 'subscribed') setMode('socket');
      else if (frame.type === 'event' && frame.taskId === taskId) deliver([frame.event]);
      else if (frame.type === 'delta' && frame.taskId === taskId) handlers.onDelta?.(frame);
    };
    s.onerror = () => {};
    s.onclose = () => {
      if (stopped || socket !== s) return;
      socket = undefined;
      // A host without the socket refuses the upgrade: poll instead. One that dropped an open socket is retried.
      if (!opened) return startPolling();
      setMode('connecting');
      const wait = RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)];
      timer = setTimeout(() => void connect(), wait);
    };
  };

  void connect();
  return () => {
    stopped = true;
    setMode('stopped');
    if (timer) clearTimeout(timer);
    const s = socket;
    socket = undefined;
    s?.close();
  };
}

export interface TaskListHandlers {
  /** A task changed: its newest item. */
  onTask(task: Task): void;
  /** Polling: ask for the whole list again. */
  onRefresh(): void;
  onMode?(mode: LiveMode): void;
}

/** Follows the tenant's task list: `task` frames over the socket, else a refresh every few seconds. */
export function followTaskList(handlers: TaskListHandlers, options: LiveOptions): () => void {
  let stopped = false;
  let socket: SocketLike | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const poll = () => {
    handlers.onMode?.('polling');
    timer = setInterval(handlers.onRefresh, options.pollMs ?? 3000);
  };
  const open = (url: string | null) => {
    if (stopped) return;
    if (!url) return poll();
    try {
      const s = (options.openSocket ?? browserSocket)(url);
      socket = s;
      let opened = false;
      s.onopen = () => {
        opened = true;
        s.send(JSON.stringify({ action: 'subscribe', topic: 'tasks' }));
      };
      s.onmessage = (msg) => {
        const frame = parseFrame(msg.data);
        if (frame?.type === 'subscribed') {
          handlers.onMode?.('socket');
          // Whatever changed before the subscription took is in a fresh list.
          handlers.onRefresh();
        } else if (frame?.type === 'task') handlers.onTask(frame.task);
      };
      s.onerror = () => {};
      s.onclose = () => {
        if (stopped) return;
        if (opened) handlers.onRefresh();
        poll();
      };
    } catch {
      poll();
    }
  };
  if (!options.liveUrl) poll();
  else void socketUrl(options).then(open);
  return () => {
    stopped = true;
    if (timer) clearInterval(timer);
    socket?.close();
  };
}

function parseFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const frame = JSON.parse(data) as ServerFrame;
    return typeof frame === 'object' && frame !== null && 'type' in frame ? frame : undefined;
  } catch {
    return undefined;
  }
}

/** The socket's URL: `liveUrl` from the config, else the host's own `/v1/live`. */
export function liveUrlFor(configured: string | null | undefined): string | null {
  if (typeof location === 'undefined') return null;
  return configured ?? `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/v1/live`;
}

/** The socket's URL with `credential` as its `token` (a socket cannot send an Authorization header). */
export function withToken(url: string, credential: string | null): string {
  if (!credential) return url;
  const u = new URL(url);
  u.searchParams.set('token', credential);
  return u.toString();
}
