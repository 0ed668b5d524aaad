import { actingTenant, useDeps } from '@techteam/shared/deps';
import type { IngestionJob } from '@techteam/shared/memory';
import { INGESTION_MAX_RECEIVES } from '@techteam/shared/memory';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { QUEUE_LAMBDAS } from '../manifest';
import { handler } from './ingest-document';

const record = (messageId: string, body: string, receives = 1) =>
  ({ messageId, body, attributes: { ApproximateReceiveCount: String(receives) } }) as SQSRecord;
const job = (documentId: string) => JSON.stringify({ tenantId: 'acme', documentId, version: 'v1' });

afterEach(() => useDeps(undefined));

/** A team memory that records what the Lambda asked of it; `doc_outage` throws, `doc_slow` never ends. */
function memoryDouble() {
  const ingested: IngestionJob[] = [];
  const failed: [string, string][] = [];
  const actingFor: (string | undefined)[] = [];
  const memory = {
    async ingest(j: IngestionJob) {
      actingFor.push(actingTenant());
      if (j.documentId === 'doc_outage') throw new Error('the index is unreachable');
      if (j.documentId === 'doc_slow') return new Promise(() => {});
      ingested.push(j);
      // A failed ingestion is recorded on its document, not retried: it is not a batch failure.
      return j.documentId === 'doc_failed' ? 'failed' : 'indexed';
    },
    async failIngestion(j: IngestionJob, reason: string) {
      failed.push([j.documentId, reason]);
      return true;
    },
  };
  useDeps({ memory } as never);
  return { ingested, failed, actingFor };
}

describe('the ingestion Lambda', () => {
  it('ingests every message of a batch and reports only those that threw as batchItemFailures', async () => {
    const { ingested, failed } = memoryDouble();
    const event = {
      Records: [
        record('m1', job('doc_ok')),
        record('m2', job('doc_outage')),
        record('m3', job('doc_failed')),
        record('m4', '{"tenantId":"acme"}'),
      ],
    } as SQSEvent;
    const answer = await handler(event);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }, { itemIdentifier: 'm4' }]);
    expect(ingested.map((j) => j.documentId)).toEqual(['doc_ok', 'doc_failed']);
    expect(failed).toEqual([]);
  });

  it('marks the document failed with the reason on the last receive, instead of leaving it queued behind the dead-letter queue', async () => {
    expect(QUEUE_LAMBDAS.find((q) => q.name === 'IngestDocument')?.maxReceiveCount).toBe(
      INGESTION_MAX_RECEIVES,
    );
    const { failed } = memoryDouble();
    const event = {
      Records: [record('m1', job('doc_outage'), INGESTION_MAX_RECEIVES), record('m2', '{}', 3)],
    } as SQSEvent;
    const answer = await handler(event);
    // The unreadable message has no document to mark: it goes on to the dead-letter queue.
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(failed).toEqual([
      ['doc_outage', 'ingestion failed on each of 3 attempts; the last: the index is unreachable'],
    ]);
  });

  it('stops a last attempt before the function times out, and says so on the document', async () => {
    const { failed } = memoryDouble();
    // 15.05 s left: the margin keeps 15 s to record the failure, so the attempt gets 50 ms.
    const context = { getRemainingTimeInMillis: () => 15_050 } as Context;
    const answer = await handler({ Records: [record('m1', job('doc_slow'), 3)] } as SQSEvent, context);
    expect(answer.batchItemFailures).toEqual([]);
    expect(failed).toHaveLength(1);
    expect(failed[0]![1]).toMatch(/the last: It did not finish within the ingestion function’s time limit/);
  });

  it('ingests each message acting as its own tenant, and leaves one naming a malformed tenant unread, for the dead-letter queue', async () => {
    const { ingested, actingFor } = memoryDouble();
    const of = (tenantId: string, documentId: string) =>
      JSON.stringify({ tenantId, documentId, version: 'v1' });
    const answer = await handler({
      Records: [
        record('m1', of('acme', 'doc_a')),
        record('m2', of('globex', 'doc_g')),
        record('m3', of('acme/../globex', 'doc_x')),
        record('m4', of('', 'doc_y'), INGESTION_MAX_RECEIVES),
      ],
    } as SQSEvent);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: 'm3' }, { itemIdentifier: 'm4' }]);
    expect(ingested.map((j) => j.documentId)).toEqual(['doc_a', 'doc_g']);
    expect(actingFor).toEqual(['acme', 'globex']);
    expect(actingTenant()).toBeUndefined();
  });
});
