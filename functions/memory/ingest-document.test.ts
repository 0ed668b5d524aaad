import type { IngestionJob } from '@techteam/shared/memory/team-memory';
import { useRuntime } from '@techteam/shared/runtime/runtime';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from './ingest-document';

const record = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;
const job = (documentId: string) => JSON.stringify({ tenantId: 'acme', documentId, version: 'v1' });

afterEach(() => useRuntime(undefined));

describe('the ingestion Lambda', () => {
  it('ingests every message of a batch and reports only those that threw as batchItemFailures', async () => {
    const ingested: IngestionJob[] = [];
    const memory = {
      async ingest(j: IngestionJob) {
        if (j.documentId === 'doc_outage') throw new Error('the index is unreachable');
        ingested.push(j);
        // A failed ingestion is recorded on its document, not retried: it is not a batch failure.
        return j.documentId === 'doc_failed' ? 'failed' : 'indexed';
      },
    };
    useRuntime({ memory } as never);
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
  });
});
