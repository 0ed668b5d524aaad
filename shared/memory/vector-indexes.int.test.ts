import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
import { Pinecone } from '@pinecone-database/pinecone';
import { afterAll, describe, expect, it } from 'vitest';
import { fakePineconeServer } from '../testing/fake-pinecone-server';
import { fakeS3VectorsServer } from '../testing/fake-s3-vectors-server';
import { LanceDbIndex } from './lancedb-index';
import { OfflineEmbedder } from './offline-embedder';
import { PineconeIndex } from './pinecone-index';
import { S3VectorsIndex } from './s3-vectors-index';
import { tenantPartition, type VectorIndex } from './vector-index';

const embedder = new OfflineEmbedder(64);
const v = (text: string) => embedder.vector(text);

interface Engine {
  index: VectorIndex;
  /** The partitions the engine holds (namespaces, indexes, tables) with their sizes. */
  partitions(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const engines: Record<string, () => Promise<Engine>> = {
  'LanceDB (embedded, for real)': async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tt-lance-'));
    const index = new LanceDbIndex(folder, embedder.dimension);
    return {
      index,
      partitions: async () => ({
        [tenantPartition('acme')]: await index.count('acme'),
        [tenantPartition('globex')]: await index.count('globex'),
      }),
      close: async () => {
        index.close();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  },
  'Pinecone (the SDK against a local server)': async () => {
    const server = await fakePineconeServer();
    const client = new Pinecone({ apiKey: server.apiKey });
    const index = new PineconeIndex(client, { name: 'techteam-memory', host: server.url });
    return {
      index,
      partitions: async () => Object.fromEntries([...server.space.partitions].map(([k, p]) => [k, p.size])),
      close: server.close,
    };
  },
  'S3 Vectors (the SDK against a local server)': async () => {
    const server = await fakeS3VectorsServer();
    const client = new S3VectorsClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const index = new S3VectorsIndex(client, 'techteam-vectors', embedder.dimension);
    return {
      index,
      partitions: async () =>
        Object.fromEntries([...server.space.partitions].map(([k, p]) => [k.split('/')[1]!, p.size])),
      close: server.close,
    };
  },
};

describe.each(Object.entries(engines))('the vector index port on %s', (_name, start) => {
  let engine: Engine;
  afterAll(() => engine?.close());

  it('upserts, answers the nearest first with its source, filters, replaces and deletes', async () => {
    engine = await start();
    const { index } = engine;
    await index.upsert('acme', [
      { id: 'd1.a', vector: v('rollback redeploy previous artifact'), sourceId: 'd1', kind: 'document' },
      { id: 'd1.b', vector: v('secrets rotate in the vault'), sourceId: 'd1', kind: 'document' },
      {
        id: 'm1.a',
        vector: v('rollback failed last week because of migrations'),
        sourceId: 'm1',
        kind: 'memory',
      },
    ]);
    const hits = await index.query('acme', v('redeploy previous artifact'), { topK: 3 });
    expect(hits[0]).toMatchObject({ id: 'd1.a', sourceId: 'd1', kind: 'document' });
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);

    const memories = await index.query('acme', v('rollback'), { topK: 3, filter: { kind: 'memory' } });
    expect(memories.map((h) => h.id)).toEqual(['m1.a']);
    const ofDoc = await index.query('acme', v('rollback'), {
      topK: 3,
      filter: { sourceId: 'd1', kind: 'document' },
    });
    expect(ofDoc.map((h) => h.id).sort()).toEqual(['d1.a', 'd1.b']);

    // Same id again replaces the vector.
    await index.upsert('acme', [
      { id: 'd1.b', vector: v('zebra grazing'), sourceId: 'd1', kind: 'document' },
    ]);
    const zebra = await index.query('acme', v('zebra grazing'), { topK: 1 });
    expect(zebra[0]).toMatchObject({ id: 'd1.b' });
    expect(zebra[0]!.score).toBeGreaterThan(0.99);

    await index.delete('acme', ['d1.a', 'd1.b']);
    const left = await index.query('acme', v('rollback redeploy'), { topK: 5 });
    expect(left.map((h) => h.id)).toEqual(['m1.a']);
  });

  it("keeps tenants in separate partitions: one tenant's query and delete never reach another's vectors", async () => {
    const { index } = engine;
    await index.upsert('globex', [
      { id: 'g.a', vector: v('widgets ship on tuesdays'), sourceId: 'g', kind: 'document' },
    ]);
    // Globex asks for acme's exact text, with acme's ids, and gets only its own.
    const theirs = await index.query('globex', v('rollback failed last week because of migrations'), {
      topK: 10,
    });
    expect(theirs.map((h) => h.id)).toEqual(['g.a']);
    await index.delete('globex', ['m1.a']);
    expect((await index.query('acme', v('rollback'), { topK: 5 })).map((h) => h.id)).toEqual(['m1.a']);
    // An unknown tenant has nothing (and no error).
    expect(await index.query('initech', v('anything'), { topK: 5 })).toEqual([]);
    const partitions = await engine.partitions();
    expect(partitions[tenantPartition('acme')]).toBe(1);
    expect(partitions[tenantPartition('globex')]).toBe(1);
  });
});

describe("the Pinecone adapter makes sure its index exists (the SDK's control plane against the local server)", () => {
  const open = async (readyAfter = 1) => {
    const server = await fakePineconeServer('pc-test-key', { readyAfter });
    const client = new Pinecone({ apiKey: server.apiKey, controllerHostUrl: server.url });
    return { server, index: new PineconeIndex(client, { name: 'techteam-memory' }) };
  };
  const embedderName = 'openai/text-embedding-3-small';

  it('creates a missing index serverless with the embedder’s dimension and cosine, waits until it is ready, then uses it', async () => {
    const { server, index } = await open(3);
    try {
      await index.ensure(64, { embedder: embedderName, pollMs: 5 });
      const created = server.indexes.get('techteam-memory')!.request;
      expect(created['schema']).toEqual({
        fields: { _values: { type: 'dense_vector', dimension: 64, metric: 'cosine' } },
      });
      expect(created['deployment']).toMatchObject({ cloud: 'aws', region: 'us-east-1' });
      // Described until ready: Initializing three times, then Ready.
      expect(server.requests.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(4);
      // The data plane is reached at the host the description gave.
      await index.upsert('acme', [{ id: 'a', vector: v('deploy guide'), sourceId: 'doc', kind: 'document' }]);
      expect(server.space.partition(tenantPartition('acme'), false)?.size).toBe(1);
      // A second start describes it and creates nothing.
      const posts = server.requests.filter((r) => r.method === 'POST' && r.path === '/indexes').length;
      await index.ensure(64, { embedder: embedderName, pollMs: 5 });
      expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/indexes')).toHaveLength(posts);
    } finally {
      await server.close();
    }
  });

  it('refuses an existing index of another dimension with a typed error that says what to change', async () => {
    const { server, index } = await open();
    server.seedIndex('techteam-memory', 1536);
    try {
      const refused = index.ensure(1024, { embedder: embedderName });
      await expect(refused).rejects.toMatchObject({ code: 'PineconeIndexMismatch', status: 500 });
      await expect(refused).rejects.toThrow(
        /'techteam-memory' holds 1536-dimensional vectors \(cosine\); openai\/text-embedding-3-small makes 1024.*TECHTEAM_PINECONE_INDEX/,
      );
      expect(server.requests.some((r) => r.method === 'POST')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('answers PineconeIndexNotReady when a made index does not become ready in time', async () => {
    const { server, index } = await open(1_000);
    try {
      await expect(index.ensure(64, { embedder: embedderName, waitMs: 30, pollMs: 5 })).rejects.toMatchObject(
        {
          code: 'PineconeIndexNotReady',
          details: { state: 'Initializing' },
        },
      );
    } finally {
      await server.close();
    }
  });
});
