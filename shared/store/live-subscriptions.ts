import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TaskEvent } from '../domain';
import { newUlid } from './ids';
import { keys, stripKeys } from './keys';
import type { Clock } from './store';
import { TTL_ATTRIBUTE } from './table';

/**
 * API Gateway closes a WebSocket after two hours at most; an item a lost $disconnect left behind
 * is deleted by TTL an hour after that.
 */
export const LIVE_ITEM_TTL_SECONDS = 3 * 3600;

/**
 * Live keys. A task's subscriptions live in the task's own partition (SK `LIVE#SUB#`, outside
 * getTaskRun's PLAN..TASK range and the `EV#` / `DELTA#` prefixes), so on the table's stream a
 * subscription's write is ordered with the task's events: the fan-out that reads the stream in
 * order sends the backlog and then only later events, with no gap and no duplicate.
 */
export const liveKeys = {
  connection: (tenantId: string, connectionId: string) => ({
    PK: `T#${tenantId}#LIVE#CONN#${connectionId}`,
    SK: 'CONN',
  }),
  /** Where a connection remembers one of its subscriptions, so $disconnect can find them all. */
  connectionSubscription: (tenantId: string, connectionId: string, topicKey: string) => ({
    PK: `T#${tenantId}#LIVE#CONN#${connectionId}`,
    SK: `SUB#${topicKey}`,
  }),
  taskSubscription: (tenantId: string, taskId: string, connectionId: string) => ({
    PK: keys.task(tenantId, taskId).PK,
    SK: `LIVE#SUB#${connectionId}`,
  }),
  taskSubscribers: (tenantId: string, taskId: string) => ({
    PK: keys.task(tenantId, taskId).PK,
    prefix: 'LIVE#SUB#',
  }),
  tasksSubscription: (tenantId: string, connectionId: string) => ({
    PK: `T#${tenantId}#LIVE#TASKS`,
    SK: `SUB#${connectionId}`,
  }),
  tasksSubscribers: (tenantId: string) => ({ PK: `T#${tenantId}#LIVE#TASKS`, prefix: 'SUB#' }),
} as const;

export type LiveTopic = { topic: 'tasks' } | { topic: 'task'; taskId: string };

/** One connection's subscription to a topic, as the fan-out reads it. */
export interface LiveSubscription {
  tenantId: string;
  connectionId: string;
  topic: 'tasks' | 'task';
  taskId?: string;
  /** Changes on every subscribe, so a late "ready" of an earlier subscribe cannot mark a new one. */
  subscriptionId: string;
  /** The client's cursor: the backlog is every event after it. */
  after?: string;
  /** Set by the fan-out once the backlog is sent; until then live events are not sent to it. */
  ready: boolean;
  /** The last event the backlog sent: later events only. */
  cursor?: string;
  expiresAt: number;
}

const topicKey = (t: LiveTopic) => (t.topic === 'tasks' ? 'tasks' : `task#${t.taskId}`);

function subscriptionKey(tenantId: string, connectionId: string, t: LiveTopic) {
  return t.topic === 'tasks'
    ? liveKeys.tasksSubscription(tenantId, connectionId)
    : liveKeys.taskSubscription(tenantId, t.taskId, connectionId);
}

export function parseLiveSubscription(item: Record<string, unknown>): LiveSubscription {
  return {
    tenantId: String(item['tenantId']),
    connectionId: String(item['connectionId']),
    topic: item['topic'] === 'task' ? 'task' : 'tasks',
    ...(typeof item['taskId'] === 'string' ? { taskId: item['taskId'] } : {}),
    subscriptionId: String(item['subscriptionId']),
    ...(typeof item['after'] === 'string' ? { after: item['after'] } : {}),
    ready: item['ready'] === true,
    ...(typeof item['cursor'] === 'string' ? { cursor: item['cursor'] } : {}),
    expiresAt: Number(item[TTL_ATTRIBUTE]),
  };
}

/** Live connections and their subscriptions in the single table, each item with a TTL. */
export class LiveSubscriptions {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock = { now: () => new Date() },
  ) {}

  private expiresAt(): number {
    return Math.floor(this.clock.now().getTime() / 1000) + LIVE_ITEM_TTL_SECONDS;
  }

  async putConnection(tenantId: string, connectionId: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...liveKeys.connection(tenantId, connectionId),
          entity: 'liveConnection',
          tenantId,
          connectionId,
          connectedAt: this.clock.now().toISOString(),
          [TTL_ATTRIBUTE]: this.expiresAt(),
        },
      }),
    );
  }

  /** Subscribes (again: a fresh subscription replaces the earlier one, backlog and all). */
  async subscribe(tenantId: string, connectionId: string, t: LiveTopic, after?: string): Promise<void> {
    const expiresAt = this.expiresAt();
    await this.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [this.tableName]: [
            {
              PutRequest: {
                Item: {
                  ...liveKeys.connectionSubscription(tenantId, connectionId, topicKey(t)),
                  entity: 'liveConnectionSubscription',
                  subscription: subscriptionKey(tenantId, connectionId, t),
                  [TTL_ATTRIBUTE]: expiresAt,
                },
              },
            },
            {
              PutRequest: {
                Item: {
                  ...subscriptionKey(tenantId, connectionId, t),
                  entity: 'liveSubscription',
                  tenantId,
                  connectionId,
                  ...t,
                  subscriptionId: newUlid(),
                  ...(after ? { after } : {}),
                  ready: false,
                  [TTL_ATTRIBUTE]: expiresAt,
                },
              },
            },
          ],
        },
      }),
    );
  }

  /** Marks a subscription's backlog sent, unless a newer subscribe replaced it meanwhile. */
  async markReady(s: LiveSubscription, cursor: string | undefined): Promise<boolean> {
    const t: LiveTopic = s.topic === 'task' ? { topic: 'task', taskId: s.taskId ?? '' } : { topic: 'tasks' };
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: subscriptionKey(s.tenantId, s.connectionId, t),
          UpdateExpression: cursor ? 'SET ready = :t, #cursor = :c' : 'SET ready = :t',
          ConditionExpression: 'subscriptionId = :id',
          ExpressionAttributeNames: cursor ? { '#cursor': 'cursor' } : undefined,
          ExpressionAttributeValues: {
            ':t': true,
            ':id': s.subscriptionId,
            ...(cursor ? { ':c': cursor } : {}),
          },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async unsubscribe(tenantId: string, connectionId: string, t: LiveTopic): Promise<void> {
    await this.doc.send(
      new BatchWriteCommand({
        RequestItems: {
          [this.tableName]: [
            { DeleteRequest: { Key: liveKeys.connectionSubscription(tenantId, connectionId, topicKey(t)) } },
            { DeleteRequest: { Key: subscriptionKey(tenantId, connectionId, t) } },
          ],
        },
      }),
    );
  }

  /** Everything a connection left in the table: on $disconnect, and when a post found it gone. */
  async dropConnection(tenantId: string, connectionId: string): Promise<void> {
    const { PK } = liveKeys.connection(tenantId, connectionId);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': PK },
        ConsistentRead: true,
      }),
    );
    const deletes: Record<string, unknown>[] = [];
    for (const item of out.Items ?? []) {
      deletes.push({ PK: item['PK'], SK: item['SK'] });
      const sub = item['subscription'] as { PK?: string; SK?: string } | undefined;
      if (sub?.PK && sub.SK) deletes.push({ PK: sub.PK, SK: sub.SK });
    }
    if (!deletes.length) deletes.push(liveKeys.connection(tenantId, connectionId));
    for (let i = 0; i < deletes.length; i += 25) {
      await this.doc.send(
        new BatchWriteCommand({
          RequestItems: {
            [this.tableName]: deletes.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })),
          },
        }),
      );
    }
  }

  /** Who listens to a topic of a tenant (a task's subscribers, or the tenant's task list's). */
  async subscribersOf(tenantId: string, t: LiveTopic): Promise<LiveSubscription[]> {
    const where =
      t.topic === 'tasks'
        ? liveKeys.tasksSubscribers(tenantId)
        : liveKeys.taskSubscribers(tenantId, t.taskId);
    const subs: LiveSubscription[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ExpressionAttributeValues: { ':pk': where.PK, ':p': where.prefix },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) subs.push(parseLiveSubscription(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return subs;
  }

  /** One event of a task's log, by id (the fan-out's fallback when a stream image is unreadable). */
  async readEvent(tenantId: string, taskId: string, eventId: string): Promise<TaskEvent | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.event(tenantId, taskId, eventId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? TaskEvent.parse(stripKeys(out.Item)) : undefined;
  }

  /** A connection's own item (for tests and the door's look-ups). */
  async connectionItems(tenantId: string, connectionId: string): Promise<Record<string, unknown>[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': liveKeys.connection(tenantId, connectionId).PK },
        ConsistentRead: true,
      }),
    );
    return out.Items ?? [];
  }
}
