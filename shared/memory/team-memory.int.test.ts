import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store';
import { freshStore } from '../testing/dynamo';
import type { Embedder, Embeddings } from './embedder';
import { InProcessIngestion } from './in-process-ingestion';
import { LanceDbIndex } from './lancedb-index';
import { MeteredEmbedder } from './metered-embedder';
import { OfflineEmbedder } from './offline-embedder';
import { MAX_DOCUMENT_BYTES, TeamMemory } from './team-memory';

/** The offline embedder, counting what it is asked to embed and able to hold a call until released. */
class WatchedEmbedder implements Embedder {
  readonly inner = new OfflineEmbedder();
  readonly provider = 'offline';
  readonly model = this.inner.model;
  readonly dimension = this.inner.dimension;
  readonly semantic = false;
  readonly microUsdPerMillionTokens = 0;
  embedded: string[] = [];
  hold: Promise<void> | undefined;
  started: (() => void) | undefined;
  async embed(texts: readonly string[]): Promise<Embeddings> {
    this.embedded.push(...texts);
    this.started?.();
    if (this.hold) await this.hold;
    return this.inner.embed(texts);
  }
}

const CTX = (tenantId: string) => ({ tenantId, taskId: 'tsk_q', employeeId: 'researcher' });

const GUIDE = `# Deploy guide

## Staging
Staging deploys run from the release branch with blue-green switching.

## Rollback
To roll back, redeploy the previous artifact; the database migrations are forward-only.

## Secrets
Secrets live in the vault and rotate every ninety days.
`;

describe('TeamMemory on DynamoDB Local and LanceDB', () => {
  let store: Store;
  let folder: string;
  let index: LanceDbIndex;
  let embedder: WatchedEmbedder;
  let ingestion: InProcessIngestion;
  let memory: TeamMemory;

  beforeAll(async () => {
    store = await freshStore();
    folder = mkdtempSync(join(tmpdir(), 'tt-lance-'));
    embedder = new WatchedEmbedder();
    index = new LanceDbIndex(folder, embedder.dimension);
    ingestion = new InProcessIngestion();
    memory = new TeamMemory(store, index, new MeteredEmbedder(embedder, undefined), ingestion);
    ingestion.attach((job) => memory.ingest(job));
  });
  afterAll(() => {
    index.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('queues an upload, indexes it, and finds it with a citation of document and position', async () => {
    const queued = await memory.addDocument('acme', { name: 'deploy.md', content: GUIDE });
    expect(queued.status).toBe('queued');
    await ingestion.idle();
    const doc = await memory.documents.get('acme', queued.id);
    expect(doc).toMatchObject({ status: 'indexed', chunks: 3, embedded: 3, contentKind: 'markdown' });
    const hits = await memory.search('acme', 'how do I roll back a deploy', { context: CTX('acme') });
    expect(hits[0]?.text).toContain('redeploy the previous artifact');
    expect(hits[0]?.citation).toMatchObject({
      kind: 'document',
      id: queued.id,
      name: 'deploy.md',
      position: 1,
      section: 'Deploy guide > Rollback',
    });
  });

  it('re-uploading the same name replaces the document and embeds only the changed chunks', async () => {
    embedder.embedded = [];
    const changed = GUIDE.replace('ninety days', 'thirty days');
    const again = await memory.addDocument('acme', { name: 'deploy.md', content: changed });
    await ingestion.idle();
    expect(await memory.listDocuments('acme')).toHaveLength(1);
    expect(await memory.documents.get('acme', again.id)).toMatchObject({
      status: 'indexed',
      chunks: 3,
      embedded: 1,
    });
    expect(embedder.embedded).toHaveLength(1);
    expect(embedder.embedded[0]).toContain('thirty days');
    const hits = await memory.search('acme', 'secrets rotate', { context: CTX('acme') });
    expect(hits.map((h) => h.text).join()).not.toContain('ninety');
    expect(await index.count('acme')).toBe(3);
  });

  it('refuses a document over the size limit with a 413 naming the limit', async () => {
    const big = 'x'.repeat(MAX_DOCUMENT_BYTES + 1);
    await expect(memory.addDocument('acme', { name: 'big.txt', content: big })).rejects.toMatchObject({
      status: 413,
      code: 'DocumentTooLarge',
      details: { limit: MAX_DOCUMENT_BYTES },
    });
  });

  it('keeps tenants apart: another tenant finds nothing of acme, in the store or the index', async () => {
    await memory.addDocument('globex', { name: 'notes.txt', content: 'Globex ships widgets on Tuesdays.' });
    await ingestion.idle();
    const theirs = await memory.search('globex', 'roll back redeploy previous artifact', {
      context: CTX('globex'),
    });
    expect(theirs.every((h) => h.citation.name === 'notes.txt')).toBe(true);
    const vectors = await index.query(
      'globex',
      new OfflineEmbedder().vector('redeploy the previous artifact'),
      { topK: 10 },
    );
    expect(
      vectors.every((v) => v.sourceId !== (theirs[0]?.citation.id ?? 'none') || v.kind === 'document'),
    ).toBe(true);
    expect(vectors.map((v) => v.sourceId)).not.toContain((await memory.listDocuments('acme'))[0]!.id);
    expect(await index.count('globex')).toBe(1);
  });

  it('deleting a document leaves nothing of it retrievable', async () => {
    const [doc] = await memory.listDocuments('acme');
    expect(await memory.deleteDocument('acme', doc!.id)).toBe(true);
    expect(await memory.search('acme', 'redeploy the previous artifact', { context: CTX('acme') })).toEqual(
      [],
    );
    expect(await index.count('acme')).toBe(0);
    expect(await memory.chunks.of('acme', doc!.id)).toEqual([]);
  });

  it('a document deleted while it is being indexed ends with no chunk and no vector', async () => {
    let release!: () => void;
    embedder.hold = new Promise<void>((r) => (release = r));
    const embedding = new Promise<void>((r) => (embedder.started = r));
    const doc = await memory.addDocument('acme', { name: 'race.md', content: GUIDE });
    await embedding;
    await memory.deleteDocument('acme', doc.id);
    release();
    embedder.hold = undefined;
    embedder.started = undefined;
    await ingestion.idle();
    expect(await memory.documents.get('acme', doc.id)).toBeUndefined();
    expect(await memory.chunks.of('acme', doc.id)).toEqual([]);
    expect(await index.count('acme')).toBe(0);
    expect(await memory.search('acme', 'blue-green staging', { context: CTX('acme') })).toEqual([]);
  });

  it('remembers a task, filters by kind, and forgets one memory or all of them', async () => {
    await memory.addDocument('acme', {
      name: 'csv.md',
      content: '# CSV\nThe CSV converter must quote commas.',
    });
    await ingestion.idle();
    await memory.remember(
      'acme',
      {
        id: 'mem_tsk_1',
        taskId: 'tsk_1',
        title: 'CSV to JSON',
        status: 'succeeded',
        text: '# CSV to JSON\nBuilt csv2json.py; QA found quoted commas broke parsing, fixed.',
        createdAt: new Date().toISOString(),
      },
      CTX('acme'),
    );
    const both = await memory.search('acme', 'csv quoted commas', { context: CTX('acme') });
    expect(new Set(both.map((h) => h.citation.kind))).toEqual(new Set(['document', 'memory']));
    const onlyMemories = await memory.search('acme', 'csv quoted commas', {
      filter: { kind: 'memory' },
      context: CTX('acme'),
    });
    expect(onlyMemories.length).toBeGreaterThan(0);
    expect(onlyMemories.every((h) => h.citation.kind === 'memory' && h.citation.id === 'mem_tsk_1')).toBe(
      true,
    );
    expect((await memory.listMemories('acme')).map((m) => m.id)).toEqual(['mem_tsk_1']);
    expect(await memory.forgetAll('acme')).toBe(1);
    expect(
      await memory.search('acme', 'csv quoted commas', { filter: { kind: 'memory' }, context: CTX('acme') }),
    ).toEqual([]);
    expect(await memory.listMemories('acme')).toEqual([]);
  });

  it('a host that stopped mid-ingestion queues the unfinished document again at start, re-embedding only new chunks, once', async () => {
    const fresh = await freshStore();
    // The host that stopped: its upload was stored and queued, and the job died with the process.
    const lost = { enqueue: async () => {} };
    const before = new TeamMemory(fresh, index, new MeteredEmbedder(embedder, undefined), lost);
    const queueNow = new InProcessIngestion();
    const first = new TeamMemory(fresh, index, new MeteredEmbedder(embedder, undefined), queueNow);
    queueNow.attach((job) => first.ingest(job));
    await first.addDocument('beta', { name: 'deploy.md', content: GUIDE });
    await queueNow.idle();
    const cutOff = await before.addDocument('beta', {
      name: 'deploy.md',
      content: GUIDE.replace('ninety days', 'sixty days'),
    });
    expect(await before.documents.get('beta', cutOff.id)).toMatchObject({ status: 'queued' });

    // The restarted host.
    const restarted = new InProcessIngestion();
    const after = new TeamMemory(fresh, index, new MeteredEmbedder(embedder, undefined), restarted);
    restarted.attach((job) => after.ingest(job));
    embedder.embedded = [];
    expect(await after.requeueUnfinished()).toBe(1);
    await restarted.idle();
    expect(await after.documents.get('beta', cutOff.id)).toMatchObject({
      status: 'indexed',
      version: cutOff.version,
      embedded: 1,
    });
    expect(embedder.embedded).toEqual([expect.stringContaining('sixty days')]);
    // Ended: nothing is left to queue, so a second start queues nothing.
    expect(await after.requeueUnfinished()).toBe(0);
  });

  it("marks a document failed with the reason when its queue's last attempt fails, and not one replaced since", async () => {
    const queued = await memory.addDocument('gamma', { name: 'notes.md', content: GUIDE });
    await ingestion.idle();
    const job = { tenantId: 'gamma', documentId: queued.id, version: queued.version };
    expect(await memory.failIngestion(job, 'the index was unreachable on each of 3 attempts')).toBe(true);
    expect(await memory.documents.get('gamma', queued.id)).toMatchObject({
      status: 'failed',
      reason: 'the index was unreachable on each of 3 attempts',
    });
    expect(await memory.failIngestion({ ...job, version: 'an-older-version' }, 'late')).toBe(false);
    expect((await memory.documents.get('gamma', queued.id))?.reason).toBe(
      'the index was unreachable on each of 3 attempts',
    );
  });
});
