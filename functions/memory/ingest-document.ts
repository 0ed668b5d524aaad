import { IngestionJobSchema } from '@techteam/shared/memory';
import { memoryRuntime } from '@techteam/shared/runtime/memory';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/**
 * The ingestion Lambda, fed by the ingestion queue: ingests each document version, and reports
 * only the messages that threw (a failed ingestion is recorded on its document and not retried;
 * a store or index outage is, through the queue's redrive).
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const memory = await memoryRuntime();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await memory.ingest(IngestionJobSchema.parse(JSON.parse(record.body)));
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
