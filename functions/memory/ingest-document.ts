import { memoryDeps } from '@techteam/shared/deps/memory';
import { ingestBatch } from '@techteam/shared/memory';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';

/**
 * The ingestion Lambda, fed by the ingestion queue: ingests each document version acting as its
 * message's tenant (one batch holds several tenants' documents, so the tenant is set per message,
 * not per invocation), and reports only the messages that threw (a failed ingestion is recorded
 * on its document and not retried; a store or index outage is, through the queue's redrive, and
 * on its last receive the document is marked failed with the reason: shared/memory/ingestion-batch.ts).
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const memory = await memoryDeps();
  const deadline = context ? Date.now() + context.getRemainingTimeInMillis() : undefined;
  return { batchItemFailures: await ingestBatch(memory, event.Records, deadline) };
}
