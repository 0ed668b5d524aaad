import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../domain';
import type { Store } from '../store';
import type { LiveSubscription, LiveSubscriptions } from '../store/live-subscriptions';
import type { LiveConnections } from './connections';
import { fanOut, POST_CONCURRENCY } from './fan-out';
import type { ServerMessage } from './protocol';

const TENANT = 'acme';
const TASK = 'tsk_01M8VKE5QGZV5QVGN1WSBBKQ8M';

/** An event's INSERT record, as the table's stream carries it. */
function eventRecord(seq: number) {
  const id = `01M8VKE6ANAAVXP8P6TWY6${String(seq).padStart(4, '0')}`;
  const event = {
    id,
    seq,
    at: new Date(0).toISOString(),
    tenantId: TENANT,
    taskId: TASK,
    type: 'note_added',
    text: `n${seq}`,
  };
  const keys = { PK: `T#${TENANT}#TASK#${TASK}`, SK: `EV#${id}` };
  return {
    eventName: 'INSERT',
    dynamodb: { Keys: marshall(keys), NewImage: marshall({ ...keys, entity: 'event', ...event }) },
  };
}

/** `n` subscribers of the task, their backlog sent: a small fake of the live items (the posting is under test). */
function subscribers(n: number): LiveSubscriptions {
  const subs: LiveSubscription[] = Array.from({ length: n }, (_, i) => ({
    tenantId: TENANT,
    connectionId: `conn${i}`,
    topic: 'task',
    taskId: TASK,
    subscriptionId: `sub${i}`,
    ready: true,
    expiresAt: 0,
  }));
  return {
    subscribersOf: async () => subs,
    dropConnection: async () => {
      throw new Error('no connection is gone here');
    },
  } as unknown as LiveSubscriptions;
}

describe('fan-out posting at the scale of the live goal (500 subscribers)', () => {
  it('posts a batch of 10 events to 500 subscribers with at most POST_CONCURRENCY posts in flight, each in order', async () => {
    const received = new Map<string, string[]>();
    let inFlight = 0;
    let mostInFlight = 0;
    const connections: LiveConnections = {
      async post(connectionId, message: ServerMessage) {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        // A post that answers on a later turn of the event loop, as a network call does.
        await new Promise((r) => setImmediate(r));
        inFlight--;
        const list = received.get(connectionId) ?? [];
        list.push(((message as { event: TaskEvent }).event as { text: string }).text);
        received.set(connectionId, list);
        return true;
      },
      close: async () => {},
    };
    const records = Array.from({ length: 10 }, (_, i) => eventRecord(i + 1));
    await fanOut(records, { store: {} as Store, subscriptions: subscribers(500), connections });
    expect(received.size).toBe(500);
    for (const texts of received.values()) expect(texts).toEqual(records.map((_, i) => `n${i + 1}`));
    expect(mostInFlight).toBe(POST_CONCURRENCY);
    // On AWS the SDK's default agent keeps 50 sockets per host: no post waits for one.
    expect(POST_CONCURRENCY).toBeLessThanOrEqual(50);
  });
});
