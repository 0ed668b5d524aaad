import {
  ApiGatewayManagementApiClient,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { apiGatewayConnections, type ServerMessage, useLiveDeps } from '@techteam/shared/live';
import type { LiveTopic } from '@techteam/shared/store';
import { LIVE_ITEM_TTL_SECONDS, LiveSubscriptions, type Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as connect } from './connect';
import { handler as fanOut } from './fan-out';
import { handler as message } from './message';

const management = mockClient(ApiGatewayManagementApiClient);
const TENANT = 'acme';

/** The table's items under a partition, as Lambda's stream event carries them. */
async function records(store: Store, pk: string, eventName: 'INSERT' | 'MODIFY', prefix = '') {
  const out = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
    }),
  );
  return (out.Items ?? []).map((item) => ({
    eventName,
    dynamodb: {
      Keys: marshall({ PK: item['PK'], SK: item['SK'] }),
      NewImage: marshall(item, { removeUndefinedValues: true }),
    },
  }));
}

const posted = () =>
  management.commandCalls(PostToConnectionCommand).map((c) => ({
    to: c.args[0].input.ConnectionId,
    message: JSON.parse(String(c.args[0].input.Data)) as ServerMessage,
  }));

const socketEvent = (connectionId: string, body?: string) => ({
  requestContext: { connectionId, routeKey: '$default', authorizer: { tenantId: TENANT, scopes: '' } },
  ...(body ? { body } : {}),
});

describe('the fan-out Lambda on the table stream (management API mocked)', () => {
  let store: Store;
  let subscriptions: LiveSubscriptions;

  beforeEach(async () => {
    management.reset();
    store = await freshStore();
    subscriptions = new LiveSubscriptions(store.doc, store.tableName);
    useLiveDeps({
      store,
      subscriptions,
      connections: apiGatewayConnections(new ApiGatewayManagementApiClient({ region: 'us-east-1' })),
    });
  });
  afterEach(() => useLiveDeps(undefined));

  it("sends the backlog after the cursor, then subscribed, then only later events; skips the task item's log-head updates", async () => {
    const task = await store.createTask(TENANT, {
      prompt: 'Write a slugify function',
      preference: 'balanced',
    });
    await store.appendEvent(TENANT, task.id, { type: 'note_added', text: 'one' });
    await store.appendEvent(TENANT, task.id, { type: 'note_added', text: 'two' });
    const [first, ...rest] = (await store.listEvents(TENANT, task.id)).items;
    await connect(socketEvent('c1'));
    const subscribe = { action: 'subscribe', topic: 'task', taskId: task.id, after: first?.id };
    await message(socketEvent('c1', JSON.stringify(subscribe)));
    const taskPk = `T#${TENANT}#TASK#${task.id}`;
    await fanOut({ Records: await records(store, taskPk, 'INSERT', 'LIVE#SUB#') });
    expect(posted().map((p) => p.message)).toEqual([
      ...rest.map((event) => ({ type: 'event', taskId: task.id, event })),
      { type: 'subscribed', topic: 'task', taskId: task.id },
    ]);

    management.reset();
    const later = await store.appendEvent(TENANT, task.id, { type: 'note_added', text: 'later' });
    // The stream replays the earlier events too (they were in the backlog), and every event write
    // also MODIFYs the task item: neither reaches the client; the later event does, once.
    await fanOut({
      Records: [
        ...(await records(store, taskPk, 'MODIFY', 'TASK')),
        ...(await records(store, taskPk, 'INSERT', 'EV#')),
      ],
    });
    expect(posted()).toEqual([{ to: 'c1', message: { type: 'event', taskId: task.id, event: later } }]);
  });

  it('drops a gone connection (410) and everything it subscribed', async () => {
    const task = await store.createTask(TENANT, {
      prompt: 'Write a slugify function',
      preference: 'balanced',
    });
    await connect(socketEvent('gone'));
    await subscriptions.subscribe(TENANT, 'gone', { topic: 'task', taskId: task.id });
    management
      .on(PostToConnectionCommand)
      .rejects(new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } }));
    const taskPk = `T#${TENANT}#TASK#${task.id}`;
    await fanOut({ Records: await records(store, taskPk, 'INSERT', 'LIVE#SUB#') });
    expect(await subscriptions.subscribersOf(TENANT, { topic: 'task', taskId: task.id })).toEqual([]);
    expect(await subscriptions.connectionItems(TENANT, 'gone')).toEqual([]);
  });

  /** Connections subscribed to a new task, their backlog sent (nothing) and ready; then `events` written. */
  async function readySubscribers(connectionIds: string[], events: number) {
    const task = await store.createTask(TENANT, {
      prompt: 'Write a slugify function',
      preference: 'balanced',
    });
    for (const id of connectionIds) {
      await connect(socketEvent(id));
      await subscriptions.subscribe(TENANT, id, { topic: 'task', taskId: task.id });
    }
    const taskPk = `T#${TENANT}#TASK#${task.id}`;
    await fanOut({ Records: await records(store, taskPk, 'INSERT', 'LIVE#SUB#') });
    for (let i = 0; i < events; i++)
      await store.appendEvent(TENANT, task.id, { type: 'note_added', text: `note ${i}` });
    management.reset();
    const batch = [
      ...(await records(store, taskPk, 'MODIFY', 'TASK')),
      ...(await records(store, taskPk, 'INSERT', 'EV#')),
    ];
    // The log's first event (task_created) went in the backlog: the batch sends the later ones.
    const later = (await store.listEvents(TENANT, task.id)).items.slice(1);
    return { task, batch, events: later };
  }

  /** The runtime again, with `postConcurrency`, counting the subscriber reads and the drops. */
  function countedRuntime(postConcurrency: number) {
    const counted = Object.create(subscriptions) as LiveSubscriptions;
    const reads: LiveTopic[] = [];
    const drops: string[] = [];
    counted.subscribersOf = (tenantId, topic) => {
      reads.push(topic);
      return subscriptions.subscribersOf(tenantId, topic);
    };
    counted.dropConnection = (tenantId, connectionId) => {
      drops.push(connectionId);
      return subscriptions.dropConnection(tenantId, connectionId);
    };
    useLiveDeps({
      store,
      subscriptions: counted,
      connections: apiGatewayConnections(new ApiGatewayManagementApiClient({ region: 'us-east-1' })),
      postConcurrency,
    });
    return { reads, drops };
  }

  const messagesTo = (connectionId: string) =>
    posted()
      .filter((p) => p.to === connectionId)
      .map((p) => p.message);

  it('posts a batch with several connections in flight, each connection its events in order and once, reading the subscribers once', async () => {
    const connections = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const { task, batch, events } = await readySubscribers(connections, 4);
    const { reads } = countedRuntime(2);
    let inFlight = 0;
    let mostInFlight = 0;
    // Posts that answer after uneven delays, as API Gateway's do: a later post may finish first.
    management.on(PostToConnectionCommand).callsFake(async () => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 6)));
      inFlight--;
      return {};
    });
    await fanOut({ Records: batch });
    expect(events).toHaveLength(4);
    for (const id of connections)
      expect(messagesTo(id), id).toEqual(events.map((event) => ({ type: 'event', taskId: task.id, event })));
    expect(mostInFlight).toBe(2);
    expect(reads).toEqual([{ topic: 'task', taskId: task.id }]);
  });

  it('drops a connection gone (410) mid-batch once and posts it nothing more; the others get every event', async () => {
    const { task, batch, events } = await readySubscribers(['c1', 'gone', 'c3'], 3);
    const { drops } = countedRuntime(3);
    let toGone = 0;
    management.on(PostToConnectionCommand).callsFake(async (input: { ConnectionId?: string }) => {
      if (input.ConnectionId === 'gone' && ++toGone === 2)
        throw new GoneException({ message: 'gone', $metadata: { httpStatusCode: 410 } });
      return {};
    });
    await fanOut({ Records: batch });
    const all = events.map((event) => ({ type: 'event', taskId: task.id, event }));
    expect(messagesTo('c1')).toEqual(all);
    expect(messagesTo('c3')).toEqual(all);
    expect(messagesTo('gone')).toEqual(all.slice(0, 2)); // the first, and the one answered 410
    expect(drops).toEqual(['gone']);
    expect(await subscriptions.connectionItems(TENANT, 'gone')).toEqual([]);
    expect(
      (await subscriptions.subscribersOf(TENANT, { topic: 'task', taskId: task.id })).map(
        (s) => s.connectionId,
      ),
    ).toEqual(['c1', 'c3']);
  });

  it('sets a TTL on connections and subscriptions', async () => {
    const before = Math.floor(Date.now() / 1000);
    await connect(socketEvent('c2'));
    await message(socketEvent('c2', JSON.stringify({ action: 'subscribe', topic: 'tasks' })));
    const subs = await subscriptions.subscribersOf(TENANT, { topic: 'tasks' });
    const expiries = [
      ...(await subscriptions.connectionItems(TENANT, 'c2')).map((i) => Number(i['expiresAt'])),
      ...subs.map((s) => s.expiresAt),
    ];
    expect(expiries).toHaveLength(3); // the connection, its note of the subscription, the subscription
    for (const ttl of expiries) {
      expect(ttl).toBeGreaterThanOrEqual(before + LIVE_ITEM_TTL_SECONDS);
      expect(ttl).toBeLessThan(before + LIVE_ITEM_TTL_SECONDS + 60);
    }
  });
});
