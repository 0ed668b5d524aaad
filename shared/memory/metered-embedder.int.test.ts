import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { StoreMeter } from '../gateway';
import type { Store } from '../store';
import { keys } from '../store/keys';
import { freshStore } from '../testing/dynamo';
import { BedrockTitanEmbedder } from './bedrock-embedder';
import { InProcessIngestion } from './in-process-ingestion';
import { MeteredEmbedder } from './metered-embedder';
import { TeamMemory } from './team-memory';
import type { VectorIndex, VectorRecord } from './vector-index';

/** Bedrock answering Titan v2's shape: a vector of the asked size and the input's token count. */
function titanBedrock() {
  const bedrock = mockClient(BedrockRuntimeClient);
  const asked: { inputText: string; dimensions: number }[] = [];
  bedrock.on(InvokeModelCommand).callsFake((input: { body: string; modelId: string }) => {
    const body = JSON.parse(input.body) as { inputText: string; dimensions: number };
    asked.push(body);
    const embedding = Array.from({ length: body.dimensions }, (_, i) => (i === 0 ? 1 : 0));
    const answer = { embedding, inputTextTokenCount: body.inputText.split(' ').length * 1000 };
    return { body: new TextEncoder().encode(JSON.stringify(answer)) as never };
  });
  return { client: new BedrockRuntimeClient({ region: 'us-east-1' }), asked, bedrock };
}

/** An index that keeps vectors in a map: these tests are about money, not retrieval. */
function mapIndex(): VectorIndex & { records: Map<string, VectorRecord> } {
  const records = new Map<string, VectorRecord>();
  return {
    kind: 's3vectors',
    records,
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

/** A team memory embedding with Titan through the store's meter, ingesting in this process. */
function meteredMemory(store: Store, client: BedrockRuntimeClient) {
  const ingestion = new InProcessIngestion();
  const index = mapIndex();
  const memory = new TeamMemory(
    store,
    index,
    new MeteredEmbedder(new BedrockTitanEmbedder(client, { dimension: 256 }), new StoreMeter(store)),
    ingestion,
  );
  ingestion.attach((job) => memory.ingest(job));
  return { memory, ingestion, index };
}

async function tenantMonthUsed(store: Store, tenantId: string): Promise<number> {
  const month = new Date().toISOString().slice(0, 7);
  const out = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: keys.tenantBudget(tenantId, month) }),
  );
  return Number(out.Item?.['usedMicroUsd'] ?? 0);
}

describe('embedding calls through the gateway meter', () => {
  it('records each Titan call as a usage record priced per token, charged to the task and tenant', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', {
      prompt: 'Write a slugify function',
      preference: 'balanced',
    });
    const { client, asked, bedrock } = titanBedrock();
    const embedder = new MeteredEmbedder(
      new BedrockTitanEmbedder(client, { dimension: 256 }),
      new StoreMeter(store),
    );
    const vectors = await embedder.embed(['three word text', 'two words'], {
      tenantId: 'acme',
      taskId: task.id,
      employeeId: 'researcher',
    });
    expect(vectors.map((v) => v.length)).toEqual([256, 256]);
    expect(asked.map((a) => a.dimensions)).toEqual([256, 256]);
    const [usage] = await store.listUsage('acme', task.id);
    // 5,000 tokens at $0.02 per million: 100 micro-USD.
    expect(usage).toMatchObject({
      provider: 'bedrock',
      model: 'amazon.titan-embed-text-v2:0',
      employeeId: 'researcher',
      inputTokens: 5000,
      outputTokens: 0,
      costMicroUsd: 100,
      outcome: 'ok',
    });
    bedrock.restore();
  });

  it("refuses an embedding call the tenant's monthly budget cannot cover, before calling the provider", async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: 1 });
    const task = await store.createTask('acme', {
      prompt: 'Write a slugify function',
      preference: 'balanced',
    });
    const { client, asked, bedrock } = titanBedrock();
    const embedder = new MeteredEmbedder(new BedrockTitanEmbedder(client), new StoreMeter(store));
    const text = 'word '.repeat(20_000);
    await expect(
      embedder.embed([text], { tenantId: 'acme', taskId: task.id, employeeId: 'memory' }),
    ).rejects.toMatchObject({ code: 'BudgetExceeded' });
    expect(asked).toEqual([]);
    expect(await store.listUsage('acme', task.id)).toEqual([]);
    bedrock.restore();
  });

  it("fails a document's ingestion a tenant past its monthly budget cannot pay for, naming the budget, without calling Bedrock", async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: 1 });
    const { client, asked, bedrock } = titanBedrock();
    const { memory, ingestion, index } = meteredMemory(store, client);
    const queued = await memory.addDocument('acme', { name: 'guide.md', content: 'word '.repeat(5_000) });
    expect(queued.status).toBe('queued');
    await ingestion.idle();
    const [doc] = await memory.listDocuments('acme');
    expect(doc).toMatchObject({ status: 'failed' });
    expect((doc as { reason?: string }).reason).toMatch(/tenant budget has .* left.*monthly budget/);
    expect(asked).toEqual([]);
    expect(index.records.size).toBe(0);
    expect(await tenantMonthUsed(store, 'acme')).toBe(0);
    bedrock.restore();
  });

  it("charges a document's ingestion to the tenant's month when the budget covers it", async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: 5_000_000 });
    const { client, asked, bedrock } = titanBedrock();
    const { memory, ingestion, index } = meteredMemory(store, client);
    await memory.addDocument('acme', { name: 'notes.txt', content: 'three word text' });
    await ingestion.idle();
    const [doc] = await memory.listDocuments('acme');
    expect(doc).toMatchObject({ status: 'indexed', chunks: 1, embedded: 1 });
    expect(asked).toHaveLength(1);
    expect(index.records.size).toBe(1);
    // Titan's fake counts 1,000 tokens a word: 3,000 tokens at $0.02 per million is 60 micro-USD.
    expect(await tenantMonthUsed(store, 'acme')).toBe(60);
    bedrock.restore();
  });
});
