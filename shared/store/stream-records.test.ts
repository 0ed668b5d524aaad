import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  LIVE_STREAM_FILTERS,
  liveChangeOf,
  type StreamRecord,
  streamRecordsByTenant,
} from './stream-records';

type Pattern = Record<string, unknown>;

/**
 * Lambda's event filtering for the shapes the patterns use: a field matches a list of values or
 * `{ prefix }` rules, an object pattern matches when every field of it does.
 */
function matches(pattern: Pattern, value: unknown): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    const field = (value as Record<string, unknown> | undefined)?.[key];
    if (Array.isArray(rule))
      return rule.some((r) =>
        r && typeof r === 'object' && 'prefix' in r
          ? typeof field === 'string' && field.startsWith(String(r.prefix))
          : field === r,
      );
    return field !== undefined && matches(rule as Pattern, field);
  });
}

const delivered = (record: StreamRecord) => LIVE_STREAM_FILTERS.some((p) => matches(p, record));

const TASK_PK = 'T#acme#TASK#tsk_01JABCDEFGHJKMNPQRSTVWXYZ0';
const record = (
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  item: Record<string, unknown>,
): StreamRecord & { eventName: string } => ({
  eventName,
  dynamodb: {
    Keys: marshall({ PK: item['PK'], SK: item['SK'] }),
    ...(eventName === 'REMOVE' ? {} : { NewImage: marshall(item, { removeUndefinedValues: true }) }),
  },
});

const event = {
  PK: TASK_PK,
  SK: 'EV#01JABCDEFGHJKMNPQRSTVWXYZ1',
  entity: 'event',
  id: '01JABCDEFGHJKMNPQRSTVWXYZ1',
  tenantId: 'acme',
  taskId: 'tsk_01JABCDEFGHJKMNPQRSTVWXYZ0',
  type: 'note_added',
  text: 'hello',
  at: '2026-12-01T00:00:00.000Z',
};
const task = {
  PK: TASK_PK,
  SK: 'TASK',
  entity: 'task',
  id: 'tsk_01JABCDEFGHJKMNPQRSTVWXYZ0',
  tenantId: 'acme',
};
const delta = {
  PK: TASK_PK,
  SK: 'DELTA#01JABCDEFGHJKMNPQRSTVWXYZ2',
  entity: 'delta',
  id: '01JABCDEFGHJKMNPQRSTVWXYZ2',
  taskId: 'tsk_01JABCDEFGHJKMNPQRSTVWXYZ0',
  employee: 'dev',
  text: 'typing',
};
const subscription = {
  PK: TASK_PK,
  SK: 'LIVE#SUB#c1',
  entity: 'liveSubscription',
  tenantId: 'acme',
  connectionId: 'c1',
  topic: 'task',
  taskId: 'tsk_01JABCDEFGHJKMNPQRSTVWXYZ0',
  subscriptionId: '01JABCDEFGHJKMNPQRSTVWXYZ3',
  ready: false,
  expiresAt: 1,
};

describe('the fan-out stream filters', () => {
  it.each([
    ['a new event', record('INSERT', event)],
    ['a new event whose image is unreadable (read back by key)', record('INSERT', { ...event, data: {} })],
    ['a new task', record('INSERT', task)],
    ['a new delta', record('INSERT', delta)],
    ['a subscribe', record('INSERT', subscription)],
    ['a subscribe replacing an earlier one', record('MODIFY', subscription)],
  ])('deliver %s, which the fan-out reads', (_name, r) => {
    expect(delivered(r)).toBe(true);
  });

  it.each([
    ["the task item's log-head update", record('MODIFY', { ...task, head: 'x' })],
    ["the fan-out's own ready mark", record('MODIFY', { ...subscription, ready: true })],
    ['a TTL deletion', record('REMOVE', subscription)],
    [
      'a connection',
      record('INSERT', { PK: 'T#acme#LIVE#CONN#c1', SK: 'CONN', entity: 'liveConnection', tenantId: 'acme' }),
    ],
    [
      "a connection's note of a subscription",
      record('INSERT', { PK: 'T#acme#LIVE#CONN#c1', SK: 'SUB#tasks', entity: 'liveConnectionSubscription' }),
    ],
    ['a usage record', record('INSERT', { PK: 'T#acme#USAGE#2026-12', SK: 'U#1', entity: 'usage' })],
  ])('drop %s, which the fan-out ignores', (_name, r) => {
    expect(liveChangeOf(r)).toBeUndefined();
    expect(delivered(r)).toBe(false);
  });

  it('admit every record the fan-out reads as a change', () => {
    for (const r of [record('INSERT', event), record('INSERT', delta), record('INSERT', subscription)]) {
      expect(liveChangeOf(r)).toBeDefined();
      expect(delivered(r)).toBe(true);
    }
  });

  it('fit one event source mapping (at most 5 patterns)', () => {
    expect(LIVE_STREAM_FILTERS.length).toBeLessThanOrEqual(5);
  });
});

describe('a stream batch split by tenant', () => {
  it("groups records by their key's tenant, each tenant's in stream order, and sets aside keys of no tenant", () => {
    const a1 = record('INSERT', { PK: 'T#acme#TASK#t1', SK: 'EV#1', entity: 'event' });
    const b1 = record('INSERT', { PK: 'T#globex#TASK#t2', SK: 'EV#1', entity: 'event' });
    const a2 = record('INSERT', { PK: 'T#acme', SK: 'TENANT', entity: 'tenant' });
    const a3 = record('INSERT', { PK: 'T#acme#TASK#t1', SK: 'EV#2', entity: 'event' });
    const rate = record('MODIFY', { PK: 'RATE#acme', SK: 'BUCKET' });
    const { byTenant, unowned } = streamRecordsByTenant([a1, b1, rate, a2, a3]);
    expect([...byTenant.keys()]).toEqual(['acme', 'globex']);
    expect(byTenant.get('acme')).toEqual([a1, a2, a3]);
    expect(byTenant.get('globex')).toEqual([b1]);
    expect(unowned).toEqual([rate]);
  });

  it("reads the tenant from the record's key, not from what its image says", () => {
    const forged = record('INSERT', { PK: 'T#acme#TASK#t1', SK: 'EV#1', tenantId: 'globex' });
    expect([...streamRecordsByTenant([forged]).byTenant.keys()]).toEqual(['acme']);
  });
});
