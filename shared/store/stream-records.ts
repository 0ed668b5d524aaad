import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type Task, TaskEvent } from '../domain';
import { type LiveSubscription, parseLiveSubscription } from './live-subscriptions';
import { taskFromItem } from './task-item';
import { tenantOfPartition as tenantOfKey } from './tenant-scope';

/** The part of a DynamoDB stream record the fan-out reads (the Lambda event's and the Streams API's shape). */
export interface StreamRecord {
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | string;
  dynamodb?: { Keys?: Record<string, unknown>; NewImage?: Record<string, unknown> };
}

/** What a table write means to live subscribers; most writes mean nothing. */
export type LiveChange =
  | { kind: 'event'; event: TaskEvent }
  /** An event whose image could not be read (see below): the fan-out reads it from the table. */
  | { kind: 'eventKey'; tenantId: string; taskId: string; eventId: string }
  /** The task as it was created (its stream image): by the time it is sent, it may have moved on. */
  | { kind: 'taskCreated'; tenantId: string; taskId: string; task?: Task }
  | {
      kind: 'delta';
      tenantId: string;
      taskId: string;
      id: string;
      stepId?: string;
      employee: string;
      text: string;
    }
  | { kind: 'subscribed'; subscription: LiveSubscription };

/**
 * Reads a stream record as a live change, or undefined. Every event write is a transaction
 * that also MODIFYs the task item (its log head) and the log guard: those, TTL deletions
 * (REMOVE) and the live items' own bookkeeping are dropped here, so they never reach a client.
 */
export function liveChangeOf(record: StreamRecord): LiveChange | undefined {
  const image = record.dynamodb?.NewImage;
  if (!image || record.eventName === 'REMOVE') return undefined;
  const keys = unmarshall((record.dynamodb?.Keys ?? {}) as Record<string, AttributeValue>);
  const sk = String(keys['SK'] ?? '');
  if (record.eventName === 'INSERT' && sk.startsWith('EV#')) {
    // The Streams client (3.1141) reads an empty map in an image as `{}`, which no unmarshall
    // accepts: such an event is read back from the table instead of dropped.
    try {
      const { PK: _p, SK: _s, entity: _e, ...rest } = unmarshall(image as Record<string, AttributeValue>);
      return { kind: 'event', event: TaskEvent.parse(rest) };
    } catch {
      const pk = String(keys['PK']);
      return {
        kind: 'eventKey',
        tenantId: tenantOfPartition(pk),
        taskId: pk.slice(pk.indexOf('#TASK#') + '#TASK#'.length),
        eventId: sk.slice('EV#'.length),
      };
    }
  }
  if (
    !['TASK', 'CONN'].includes(sk) &&
    !sk.startsWith('DELTA#') &&
    !sk.startsWith('LIVE#SUB#') &&
    !sk.startsWith('SUB#')
  )
    return undefined;
  const item = unmarshall(image as Record<string, AttributeValue>);
  const entity = item['entity'];
  if (record.eventName === 'INSERT' && entity === 'task') {
    let task: Task | undefined;
    try {
      task = taskFromItem(item);
    } catch {
      // An image the Streams client misreads (see above): the fan-out reads the task instead.
    }
    return {
      kind: 'taskCreated',
      tenantId: String(item['tenantId']),
      taskId: String(item['id']),
      ...(task ? { task } : {}),
    };
  }
  if (record.eventName === 'INSERT' && entity === 'delta') {
    return {
      kind: 'delta',
      tenantId: tenantOfPartition(String(item['PK'])),
      taskId: String(item['taskId']),
      id: String(item['id']),
      ...(typeof item['stepId'] === 'string' ? { stepId: item['stepId'] } : {}),
      employee: String(item['employee']),
      text: String(item['text']),
    };
  }
  // A subscribe puts the item afresh (an INSERT, or a MODIFY when it replaces one); the
  // fan-out's own "ready" update is a MODIFY with ready set, and is not a subscribe.
  if (entity === 'liveSubscription' && item['ready'] !== true) {
    return { kind: 'subscribed', subscription: parseLiveSubscription(item) };
  }
  return undefined;
}

/**
 * The stream records `liveChangeOf` may read as a change, as Lambda event filter patterns (a
 * record matching any one is delivered), so the fan-out is not invoked for the table's other
 * writes: the task item's log-head MODIFYs, the guards, usage, the live items' own bookkeeping,
 * TTL REMOVEs. Each pattern admits at least what `liveChangeOf` keeps of its kind
 * (stream-records.test.ts holds the two together); at most 5 patterns fit a mapping.
 */
export const LIVE_STREAM_FILTERS = [
  // A task's events: read by key, so an image the Streams client misreads still counts.
  { eventName: ['INSERT'], dynamodb: { Keys: { SK: { S: [{ prefix: 'EV#' }] } } } },
  // A new task (for task-list subscribers) and a new delta.
  { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['task', 'delta'] } } } },
  // A subscribe (an INSERT, or a MODIFY replacing one); not the fan-out's own "ready" update.
  {
    eventName: ['INSERT', 'MODIFY'],
    dynamodb: { NewImage: { entity: { S: ['liveSubscription'] }, ready: { BOOL: [false] } } },
  },
] as const;

/**
 * A stream batch split by the tenant whose partition each record's key (`PK`, `T#<tenant>…`)
 * names, each tenant's records in stream order: the fan-out acts for one tenant at a time, so
 * a record's reads and writes go with that tenant's session (and a record whose image names
 * another tenant is refused, not served). The stream orders records within a partition only,
 * and a partition is one tenant's, so no order the fan-out relies on is lost. `unowned`: the
 * records whose key names no tenant (no live change is ever written there).
 */
export function streamRecordsByTenant(records: readonly StreamRecord[]): {
  byTenant: Map<string, StreamRecord[]>;
  unowned: StreamRecord[];
} {
  const byTenant = new Map<string, StreamRecord[]>();
  const unowned: StreamRecord[] = [];
  for (const record of records) {
    const keys = unmarshall((record.dynamodb?.Keys ?? {}) as Record<string, AttributeValue>);
    const tenantId = tenantOfKey(keys['PK']);
    if (tenantId === undefined || tenantId === '') {
      unowned.push(record);
      continue;
    }
    const own = byTenant.get(tenantId);
    if (own) own.push(record);
    else byTenant.set(tenantId, [record]);
  }
  return { byTenant, unowned };
}

/** `T#<tenant>#TASK#<id>` → tenant (a delta item does not repeat its tenant). */
function tenantOfPartition(pk: string): string {
  const end = pk.indexOf('#TASK#');
  return pk.slice(2, end);
}
