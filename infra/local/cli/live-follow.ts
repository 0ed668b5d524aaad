import type { TaskEvent } from '@techteam/shared/domain';
import { LIVE_PATH, type ServerMessage } from '@techteam/shared/live';
import type { TaskDelta } from '@techteam/shared/store';
import { type LiveClient, openLive } from '../live-client';

/** What arrived since the last take: events in order, streamed text, and whether the socket is gone. */
export interface LiveBatch {
  events: TaskEvent[];
  deltas: TaskDelta[];
  closed: boolean;
}

/** A task followed over the host's WebSocket: `take` waits up to `ms` for something new. */
export interface LiveFollow {
  take(ms: number): Promise<LiveBatch>;
  close(): void;
}

/** The host's live URL for its HTTP URL (same host and port). */
export function liveUrlOf(httpUrl: string): string {
  const url = new URL(LIVE_PATH, httpUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Subscribes to a task after `after`; undefined when the socket cannot be opened (the caller polls). */
export async function followLive(
  liveUrl: string,
  taskId: string,
  after?: string,
): Promise<LiveFollow | undefined> {
  let client: LiveClient;
  try {
    client = await openLive(liveUrl);
  } catch {
    return undefined;
  }
  let events: TaskEvent[] = [];
  let deltas: TaskDelta[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  client.onMessage((m: ServerMessage) => {
    if (m.type === 'event' && m.taskId === taskId) events.push(m.event as TaskEvent);
    else if (m.type === 'delta' && m.taskId === taskId) {
      const { type: _t, ...delta } = m;
      deltas.push({ ...delta, at: '' });
    } else return;
    wake?.();
  });
  void client.closed.then(() => {
    closed = true;
    wake?.();
  });
  client.send({ action: 'subscribe', topic: 'task', taskId, ...(after ? { after } : {}) });
  return {
    async take(ms) {
      if (!events.length && !deltas.length && !closed)
        await new Promise<void>((r) => {
          const timer = setTimeout(r, ms);
          wake = () => {
            clearTimeout(timer);
            r();
          };
        });
      wake = undefined;
      const batch = { events, deltas, closed };
      events = [];
      deltas = [];
      return batch;
    },
    close: () => client.close(),
  };
}
