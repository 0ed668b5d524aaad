/**
 * Memory's money as a tenant sees it: every embedding call (a document's ingestion, a task's
 * query) is a usage record in GET /v1/usage, on DynamoDB Local through the store's meter; Titan
 * is aws-sdk-client-mock (no local Bedrock engine), the offline embedder runs for real.
 */
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { type Deps, useDeps } from '@techteam/shared/deps';
import { StoreMeter } from '@techteam/shared/gateway';
import type { Embedder, VectorIndex } from '@techteam/shared/memory';
import {
  BedrockTitanEmbedder,
  InProcessIngestion,
  MeteredEmbedder,
  OfflineEmbedder,
  rememberTask,
  TeamMemory,
} from '@techteam/shared/memory';
import type { Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callDoor, doorEvent } from '../testing/door-event';
import { handler as getUsage } from './get-usage';
import type { UsageReport } from './usage-report';

const TITAN = 'bedrock/amazon.titan-embed-text-v2:0';
const bedrock = mockClient(BedrockRuntimeClient);
afterAll(() => bedrock.restore());
afterEach(() => useDeps(undefined));

/** Titan v2's answer shape; the fake counts 1,000 tokens a word so that costs are visible ($0.02 per million). */
function titan(): Embedder {
  bedrock.reset();
  bedrock.on(InvokeModelCommand).callsFake((input: { body: string }) => {
    const body = JSON.parse(input.body) as { inputText: string; dimensions: number };
    const embedding = Array.from({ length: body.dimensions }, (_, i) => (i === 0 ? 1 : 0));
    const answer = { embedding, inputTextTokenCount: body.inputText.split(/\s+/).length * 1000 };
    return { body: new TextEncoder().encode(JSON.stringify(answer)) as never };
  });
  return new BedrockTitanEmbedder(new BedrockRuntimeClient({ region: 'us-east-1' }), { dimension: 256 });
}

/** Vectors in a map: these tests are about money, not retrieval. */
function mapIndex(): VectorIndex {
  const records = new Map<string, unknown>();
  return {
    kind: 's3vectors',
    async upsert(tenantId, rs) {
      for (const r of rs) records.set(`${tenantId}/${r.id}`, r);
    },
    async query() {
      return [];
    },
    async delete(tenantId, ids) {
      for (const id of ids) records.delete(`${tenantId}/${id}`);
    },
  };
}

function teamMemory(store: Store, embedder: Embedder) {
  const ingestion = new InProcessIngestion();
  const memory = new TeamMemory(
    store,
    mapIndex(),
    new MeteredEmbedder(embedder, new StoreMeter(store)),
    ingestion,
  );
  ingestion.attach((job) => memory.ingest(job));
  return { memory, ingestion };
}

async function usage(tenantId: string): Promise<UsageReport> {
  const res = await callDoor(getUsage, doorEvent('GetUsage', { tenantId }));
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body!) as UsageReport;
}

let store: Store;
beforeEach(async () => {
  store = await freshStore();
  useDeps({ store } as unknown as Deps);
});

describe('embedding calls in GET /v1/usage', () => {
  it("shows a document's ingestion under team memory, with Titan's model and cost, and charges the month", async () => {
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: 5_000_000 });
    const { memory, ingestion } = teamMemory(store, titan());
    await memory.addDocument('acme', { name: 'notes.txt', content: 'three word text' });
    await ingestion.idle();
    expect((await memory.listDocuments('acme'))[0]).toMatchObject({ status: 'indexed' });

    const report = await usage('acme');
    // 3,000 tokens at $0.02 per million: 60 micro-USD.
    expect(report.totalMicroUsd).toBe(60);
    expect(report.byModel).toEqual([
      { key: TITAN, costMicroUsd: 60, inputTokens: 3000, outputTokens: 0, calls: 1 },
    ]);
    expect(report.byEmployee).toEqual([
      expect.objectContaining({
        key: 'memory',
        costMicroUsd: 60,
        note: expect.stringMatching(/team memory/),
      }),
    ]);
  });

  it("refuses an ingestion once the month's budget is spent: the document fails naming the budget, nothing more is recorded", async () => {
    // Room for the first document's worst case (2 × its estimate at Titan's price), not for the second's.
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: 100 });
    const { memory, ingestion } = teamMemory(store, titan());
    await memory.addDocument('acme', { name: 'first.txt', content: 'three word text' });
    await ingestion.idle();
    await memory.addDocument('acme', { name: 'second.txt', content: 'word '.repeat(4000) });
    await ingestion.idle();
    const docs = Object.fromEntries((await memory.listDocuments('acme')).map((d) => [d.name, d]));
    expect(docs['first.txt']).toMatchObject({ status: 'indexed' });
    expect(docs['second.txt']).toMatchObject({ status: 'failed' });
    expect(docs['second.txt']!.reason).toMatch(/tenant budget has .* left.*monthly budget/);
    const report = await usage('acme');
    expect(report.byModel.map((l) => [l.key, l.calls])).toEqual([[TITAN, 1]]);
    expect(bedrock.commandCalls(InvokeModelCommand)).toHaveLength(1);
  });

  it('lists the offline embedder at $0, labelled lexical, for ingestion and for a task’s query under its employee', async () => {
    const { memory, ingestion } = teamMemory(store, new OfflineEmbedder());
    await memory.addDocument('acme', { name: 'slugs.md', content: '# Slugs\nJoin words with underscores.' });
    await ingestion.idle();
    const task = await store.createTask('acme', { prompt: 'Write slugify', preference: 'balanced' });
    const hits = await memory.search('acme', 'underscores', {
      context: { tenantId: 'acme', taskId: task.id, employeeId: 'researcher' },
    });
    expect(hits[0]?.citation.name).toBe('slugs.md');

    const report = await usage('acme');
    expect(report.totalMicroUsd).toBe(0);
    expect(report.byModel).toEqual([
      expect.objectContaining({
        key: 'offline/hashed-ngrams-v1',
        costMicroUsd: 0,
        calls: 2,
        note: expect.stringMatching(/lexical.*costs \$0/),
      }),
    ]);
    expect(report.byEmployee.map((l) => [l.key, l.calls]).sort()).toEqual([
      ['memory', 1],
      ['researcher', 1],
    ]);
    // In a task, the query's record is the task's too, as any model call's, with its usage event.
    expect(await store.listUsage('acme', task.id)).toEqual([
      expect.objectContaining({ employeeId: 'researcher', model: 'hashed-ngrams-v1', costMicroUsd: 0 }),
    ]);
    expect((await store.listEvents('acme', task.id)).items.map((e) => e.type)).toContain('usage');
  });

  it("records an ended task's memory under team memory and the task, without an event after its log closed", async () => {
    const { memory } = teamMemory(store, new OfflineEmbedder());
    const task = await store.createTask('acme', { prompt: 'Write slugify', preference: 'balanced' });
    const eventsBefore = (await store.listEvents('acme', task.id)).items.length;
    await rememberTask(memory, store, 'acme', task.id);
    expect(await store.listUsage('acme', task.id)).toEqual([
      expect.objectContaining({ employeeId: 'memory', provider: 'offline', costMicroUsd: 0 }),
    ]);
    expect((await store.listEvents('acme', task.id)).items).toHaveLength(eventsBefore);
    expect((await usage('acme')).byEmployee.map((l) => l.key)).toEqual(['memory']);
  });
});
