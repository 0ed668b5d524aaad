import { type FanOutDeps, liveDeps, useLiveDeps } from '@techteam/shared/live';

/** When the fan-out touched one event: its subscriber read and its posts (performance.now() ms). */
export interface EventStages {
  readStart?: number;
  readEnd?: number;
  firstPostStart?: number;
  lastPostEnd?: number;
  posts: number;
}

/**
 * Wraps the fan-out's dependencies as the host installed them (the same store, subscriptions and
 * @connections client; only timed), so the bench can say where an event's time goes. The bench
 * writes one event at a time and waits for it, so every call between two writes is that event's.
 */
export function timeFanOutStages(): { current: () => EventStages; next: () => void; restore: () => void } {
  const installed = liveDeps();
  let stages: EventStages = { posts: 0 };
  const subscriptions = Object.create(installed.subscriptions) as FanOutDeps['subscriptions'];
  // Each mark goes to the event whose call it is, even when the call ends after the next write.
  subscriptions.subscribersOf = async (...args) => {
    const of = stages;
    of.readStart ??= performance.now();
    const subs = await installed.subscriptions.subscribersOf(...args);
    of.readEnd = performance.now();
    return subs;
  };
  const connections: FanOutDeps['connections'] = {
    async post(connectionId, message) {
      const of = stages;
      of.firstPostStart ??= performance.now();
      const sent = await installed.connections.post(connectionId, message);
      of.lastPostEnd = performance.now();
      of.posts++;
      return sent;
    },
    close: (connectionId) => installed.connections.close(connectionId),
  };
  useLiveDeps({ ...installed, subscriptions, connections });
  return {
    current: () => stages,
    next: () => {
      stages = { posts: 0 };
    },
    restore: () => useLiveDeps(installed),
  };
}
