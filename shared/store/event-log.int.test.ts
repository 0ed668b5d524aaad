import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_TASK_NOTES, type TaskEvent } from '../domain';
import { freshStore } from '../testing/dynamo';
import { LocalWorkspace } from '../workspace';
import { createDocumentClient } from './client';
import { EVENT_PREVIEW_CHARS, MAX_EVENT_PAYLOAD_BYTES } from './event-payloads';
import { newUlid } from './ids';
import { keys } from './keys';
import { Store } from './store';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

const newTask = () => store.createTask('acme', { prompt: 'Write a CSV parser', preference: 'balanced' });

/**
 * Another process writing to the same table: its own client, whose requests spend a random
 * 0-8 ms in flight (as over a network) after the writer chose what to write.
 */
function writerProcess(): Store {
  const doc = createDocumentClient({ endpoint: inject('dynamoEndpoint') });
  doc.middlewareStack.add(
    (next) => async (args) => {
      await new Promise((r) => setTimeout(r, Math.random() * 8));
      return next(args);
    },
    { step: 'finalizeRequest', name: 'networkLatency' },
  );
  return new Store(doc, store.tableName);
}

/** The raw event items of a task, keys and all, as DynamoDB holds them. */
async function eventItems(taskId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ev)',
        ExpressionAttributeValues: { ':pk': keys.task('acme', taskId).PK, ':ev': 'EV#' },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('the event log under concurrent writers', () => {
  it('shows a poller reading after its cursor every event exactly once, in commit order', async () => {
    const task = await newTask();
    const writers = 3;
    const each = 40;
    const seen: TaskEvent[] = [];
    let cursor: string | undefined;
    const poll = async () => {
      for (;;) {
        const page = await store.listEvents('acme', task.id, {
          limit: 25,
          ...(cursor ? { after: cursor } : {}),
        });
        seen.push(...page.items);
        cursor = page.items.at(-1)?.id ?? cursor;
        if (!page.items.length) return;
      }
    };
    let writing = true;
    const poller = (async () => {
      while (writing) {
        await poll();
        await new Promise((r) => setTimeout(r, 10)); // a poll interval, as a client's
      }
      await poll();
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        const writer = writerProcess();
        for (let i = 0; i < each; i++) {
          await writer.appendEvent('acme', task.id, { type: 'note_added', text: `writer ${w} note ${i}` });
        }
      }),
    );
    writing = false;
    await poller;

    const total = 1 + writers * each;
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((e) => e.id)).size).toBe(total);
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // Each writer's own events keep their order.
    for (let w = 0; w < writers; w++) {
      const mine = seen.filter((e) => e.type === 'note_added' && e.text.startsWith(`writer ${w} `));
      expect(mine.map((e) => (e.type === 'note_added' ? e.text : ''))).toEqual(
        Array.from({ length: each }, (_, i) => `writer ${w} note ${i}`),
      );
    }
  });

  it('keeps events written before the sequence existed readable, in order before the new ones', async () => {
    const task = await newTask();
    // A task as the store wrote it before: no log head on the task item, events with bare ULID keys.
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: keys.task('acme', task.id),
        UpdateExpression: 'REMOVE lastEventId, eventSeq',
      }),
    );
    const old = {
      type: 'note_added',
      text: 'from an older release',
      id: newUlid(),
      at: '2024-11-20T00:00:00.000Z',
      tenantId: 'acme',
      taskId: task.id,
    };
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...keys.event('acme', task.id, old.id), entity: 'event', ...old },
      }),
    );
    await store.appendEvent('acme', task.id, { type: 'note_added', text: 'new' });
    const { items } = await store.listEvents('acme', task.id, { after: old.id });
    expect(items.map((e) => (e.type === 'note_added' ? e.text : e.type))).toEqual(['new']);
    const all = (await store.listEvents('acme', task.id)).items;
    expect(all.map((e) => (e.type === 'note_added' ? e.text : e.type))).toEqual([
      'task_created',
      'from an older release',
      'new',
    ]);
  });

  it('refuses an event for a task that does not exist', async () => {
    await expect(
      store.appendEvent('acme', 'tsk_01JD0000000000000000000000', { type: 'note_added', text: 'x' }),
    ).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('a note and its event', () => {
  it('land together, and a task over its note limit gets neither', async () => {
    const task = await newTask();
    for (let i = 0; i < MAX_TASK_NOTES; i++) await store.addTaskNote('acme', task.id, `note ${i}`);
    await expect(store.addTaskNote('acme', task.id, 'one too many')).rejects.toMatchObject({
      code: 'InvalidInput',
    });
    expect((await store.getTask('acme', task.id)).notes).toHaveLength(MAX_TASK_NOTES);
    const notes = (await store.listEvents('acme', task.id)).items.filter((e) => e.type === 'note_added');
    expect(notes).toHaveLength(MAX_TASK_NOTES);
  });
});

describe('events larger than an item can hold', () => {
  it('is a limit DynamoDB Local enforces as DynamoDB does: an item over 400 KB is refused', async () => {
    await expect(
      store.doc.send(
        new PutCommand({
          TableName: store.tableName,
          Item: { PK: 'T#acme#TASK#big', SK: 'EV#big', text: 'x'.repeat(401 * 1024) },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('records a 500 KB workspace.write: the whole content is a task file, the event keeps a preview and where it is', async () => {
    const root = mkdtempSync(join(tmpdir(), 'event-payloads-'));
    const withFiles = new Store(store.doc, store.tableName);
    withFiles.keepEventPayloadsIn((tenantId, taskId) => new LocalWorkspace(join(root, tenantId, taskId)));
    const task = await withFiles.createTask('acme', { prompt: 'Write a big file', preference: 'balanced' });
    const content = 'row,value\n'.repeat(51_200); // 512,000 bytes
    const written = await withFiles.appendEvent('acme', task.id, {
      type: 'tool_call',
      employee: 'dev',
      callId: 'c1',
      tool: 'workspace.write',
      arguments: { path: 'data.csv', content },
    });
    const [read] = (
      await withFiles.listEvents('acme', task.id, { after: (await eventItems(task.id))[0]!['id'] as string })
    ).items;
    expect(read).toEqual(written);
    expect(read?.type).toBe('tool_call');
    const ref = read?.payloads?.[0];
    expect(ref).toMatchObject({ field: 'arguments.content', bytes: 512_000 });
    expect(ref?.file).toMatch(/^\.techteam\/events\/[0-9A-Z]{26}\/arguments\.content\.txt$/);
    expect(readFileSync(join(root, 'acme', task.id, ref!.file!), 'utf8')).toBe(content);
    const preview = read?.type === 'tool_call' ? String(read.arguments['content']) : '';
    expect(preview.startsWith(content.slice(0, EVENT_PREVIEW_CHARS))).toBe(true);
    expect(preview).toContain(`512000 bytes in all; the whole text is the task's file ${ref?.file}`);
    expect(read?.type === 'tool_call' ? read.arguments['path'] : '').toBe('data.csv');
  });

  it('records a 450 KB model answer with no file store: a preview, saying the rest was not kept', async () => {
    const task = await newTask();
    const text = 'All good. '.repeat(46_080); // 460,800 bytes
    await store.appendEvent('acme', task.id, {
      type: 'message',
      employee: 'dev',
      text,
      provider: 'demo',
      model: 'demo',
    });
    const message = (await store.listEvents('acme', task.id)).items.find((e) => e.type === 'message');
    expect(message?.payloads).toEqual([{ field: 'text', bytes: 460_800 }]);
    expect(message?.type === 'message' && message.text).toMatch(
      /460800 bytes in all; the rest could not be kept\]$/,
    );
  });

  it('keeps every event item it writes under the per-event threshold, whatever the producer sends', async () => {
    const task = await newTask();
    const big = (n: number) => 'y'.repeat(n);
    await store.appendEvent('acme', task.id, {
      type: 'tool_result',
      employee: 'dev',
      callId: 'c',
      tool: 'sandbox.exec',
      ok: true,
      output: big(700_000),
    });
    await store.appendEvent('acme', task.id, {
      type: 'plan_invalid',
      attempt: 1,
      problems: Array.from({ length: 12 }, () => big(30_000)),
    });
    await store.transitionTask('acme', task.id, 'planning', { reason: big(100_000) });
    const items = await eventItems(task.id);
    expect(items).toHaveLength(4);
    for (const item of items) {
      const { PK: _pk, SK: _sk, ...rest } = item;
      expect(Buffer.byteLength(JSON.stringify(rest))).toBeLessThanOrEqual(MAX_EVENT_PAYLOAD_BYTES + 1024);
    }
  });
});
