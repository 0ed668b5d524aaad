/**
 * The ingestion Lambda's door on DynamoDB Local with the real team memory: one SQS batch holds
 * several tenants' documents, and each message is ingested acting as its own tenant, so a
 * handler that reaches another tenant's items or vectors is refused before anything is sent
 * (as IAM refuses the tenant's session on AWS) and the refusal is recorded on the document.
 */
import { actingTenant, type Deps, useDeps } from '@techteam/shared/deps';
import {
  heldToActingTenant,
  type IngestionJob,
  type IngestionQueue,
  MeteredEmbedder,
  OfflineEmbedder,
  TeamMemory,
  type VectorIndex,
  type VectorRecord,
} from '@techteam/shared/memory';
import type { Store } from '@techteam/shared/store';
import { freshStore } from '@techteam/shared/testing/dynamo';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from './ingest-document';

/** An index kept in memory that notes, per upsert, which tenant's partition and which tenant the call acted for. */
class WatchedIndex implements VectorIndex {
  readonly kind = 'lancedb';
  readonly upserts: { partition: string; actingFor: string | undefined; ids: string[] }[] = [];
  async upsert(tenantId: string, records: readonly VectorRecord[]) {
    this.upserts.push({ partition: tenantId, actingFor: actingTenant(), ids: records.map((r) => r.id) });
  }
  async query() {
    return [];
  }
  async delete() {}
}

/** The upload route's queue, held: the test hands its jobs to the Lambda as SQS would. */
class HeldQueue implements IngestionQueue {
  readonly jobs: IngestionJob[] = [];
  async enqueue(job: IngestionJob) {
    this.jobs.push(job);
  }
}

const record = (messageId: string, job: IngestionJob) =>
  ({ messageId, body: JSON.stringify(job), attributes: { ApproximateReceiveCount: '1' } }) as SQSRecord;

let store: Store;
let index: WatchedIndex;
let queue: HeldQueue;
let memory: TeamMemory;

beforeAll(async () => {
  store = await freshStore();
  index = new WatchedIndex();
  queue = new HeldQueue();
  memory = new TeamMemory(
    store,
    heldToActingTenant(index),
    new MeteredEmbedder(new OfflineEmbedder(), undefined),
    queue,
  );
  useDeps({ store, memory } as unknown as Deps);
});
afterAll(() => useDeps(undefined));

/** Uploads a document as the route does (stored `queued`, its job queued) and answers the job. */
async function upload(tenantId: string, name: string, content: string): Promise<IngestionJob> {
  await memory.addDocument(tenantId, { name, content });
  const job = queue.jobs.at(-1)!;
  expect(job.tenantId).toBe(tenantId);
  return job;
}

describe('IngestDocument acting as each message’s tenant', () => {
  it("ingests a batch of two tenants' documents, each under its own tenant", async () => {
    const acme = await upload('acme', 'acme-deploy.md', '# Deploy\nAcme deploys on Tuesdays.');
    const globex = await upload('globex', 'globex-deploy.md', '# Deploy\nGlobex deploys on Fridays.');
    const answer = await handler({ Records: [record('m1', acme), record('m2', globex)] } as SQSEvent);
    expect(answer.batchItemFailures).toEqual([]);
    expect(await memory.documents.get('acme', acme.documentId)).toMatchObject({ status: 'indexed' });
    expect(await memory.documents.get('globex', globex.documentId)).toMatchObject({ status: 'indexed' });
    // Each tenant's vectors went to its own partition, written while acting for that tenant.
    const upsertsOf = (documentId: string) =>
      index.upserts
        .filter((u) => u.ids.some((id) => id.startsWith(documentId)))
        .map((u) => [u.partition, u.actingFor]);
    expect(upsertsOf(acme.documentId)).toEqual([['acme', 'acme']]);
    expect(upsertsOf(globex.documentId)).toEqual([['globex', 'globex']]);
    // And nothing outside a message's tenant: no write happened outside a door's tenant.
    expect(index.upserts.every((u) => u.partition === u.actingFor)).toBe(true);
  });

  it("refuses a message whose handler, acting as A, touches B's item or B's vectors; records it failed and goes on with the batch", async () => {
    const readsB = await upload('acme', 'reads-b.md', '# Notes\nAcme notes.');
    const writesB = await upload('acme', 'writes-b.md', '# Notes\nMore acme notes.');
    const globex = await upload('globex', 'globex-secret.md', '# Secret\nGlobex launch plan.');
    // The bugs tenant isolation exists for: ingestion code that builds B's key or B's partition.
    const confused = {
      ingest: async (job: IngestionJob) => {
        if (job.documentId === readsB.documentId) await memory.documents.get('globex', globex.documentId);
        if (job.documentId === writesB.documentId)
          await memory.index.upsert('globex', [
            { id: 'planted', vector: [1], sourceId: job.documentId, kind: 'document' },
          ]);
        return memory.ingest(job);
      },
      failIngestion: (job: IngestionJob, reason: string) => memory.failIngestion(job, reason),
    };
    useDeps({ store, memory: confused } as unknown as Deps);
    try {
      const answer = await handler({
        Records: [record('m1', readsB), record('m2', writesB), record('m3', globex)],
      } as SQSEvent);
      // A refusal is a bug no retry mends: consumed, not received again.
      expect(answer.batchItemFailures).toEqual([]);
    } finally {
      useDeps({ store, memory } as unknown as Deps);
    }
    for (const job of [readsB, writesB]) {
      const doc = await memory.documents.get('acme', job.documentId);
      expect(doc, job.documentId).toMatchObject({ status: 'failed' });
      expect(doc?.reason, job.documentId).toMatch(/refused.*acting for tenant 'acme'/);
      // B is never named on A's document.
      expect(JSON.stringify(doc), job.documentId).not.toContain('globex');
    }
    expect(index.upserts.some((u) => u.ids.includes('planted'))).toBe(false);
    // The batch went on: B's own document was ingested as B.
    expect(await memory.documents.get('globex', globex.documentId)).toMatchObject({ status: 'indexed' });
  });

  it('leaves a message naming a malformed tenant for the dead-letter queue, reading and writing nothing', async () => {
    const before = index.upserts.length;
    const answer = await handler({
      Records: [
        record('m1', { tenantId: 'T#globex', documentId: 'doc_x', version: 'v1' }),
        record('m2', { tenantId: 'ACME', documentId: 'doc_x', version: 'v1' }),
      ],
    } as SQSEvent);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
    expect(index.upserts.length).toBe(before);
  });
});
