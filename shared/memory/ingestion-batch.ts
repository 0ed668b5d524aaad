import * as z from '../zod';
import { IngestionOutOfTime } from './errors';
import type { IngestionJob } from './team-memory';

export const IngestionJobSchema = z.object({
  tenantId: z.string(),
  documentId: z.string(),
  version: z.string(),
});

/** Receives of an ingestion message before SQS moves it to the dead-letter queue (the stack's redrive policy). */
export const INGESTION_MAX_RECEIVES = 3;

/** One SQS message, as much of it as ingestion reads. */
export interface IngestionMessage {
  messageId: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string };
}

/** What the batch needs of the team memory. */
export interface Ingester {
  ingest(job: IngestionJob): Promise<unknown>;
  failIngestion(job: IngestionJob, reason: string): Promise<unknown>;
}

/** Time kept back at a batch's end to record a failure before the Lambda is stopped. */
const MARGIN_MS = 15_000;

/**
 * Ingests an SQS batch and answers the ids to receive again. A message that threw comes back,
 * until its last receive: then its document is marked `failed` with the reason and the message is
 * consumed, so no document stays `queued` behind a message in the dead-letter queue. The last
 * attempt also stops at `deadline` (the invocation's end, less a margin): the Lambda's timeout
 * would otherwise kill it before it could say why. Only a message that cannot be read, or whose
 * failure cannot be recorded, goes to the dead-letter queue.
 */
export async function ingestBatch(
  memory: Ingester,
  messages: readonly IngestionMessage[],
  deadline: number = Number.POSITIVE_INFINITY,
): Promise<{ itemIdentifier: string }[]> {
  const failures: { itemIdentifier: string }[] = [];
  for (const message of messages) {
    let job: IngestionJob;
    try {
      job = IngestionJobSchema.parse(JSON.parse(message.body));
    } catch {
      failures.push({ itemIdentifier: message.messageId });
      continue;
    }
    const receives = Number(message.attributes?.ApproximateReceiveCount ?? 1);
    const last = receives >= INGESTION_MAX_RECEIVES;
    try {
      await (last ? beforeDeadline(memory.ingest(job), deadline - MARGIN_MS) : memory.ingest(job));
    } catch (e) {
      if (!last) {
        failures.push({ itemIdentifier: message.messageId });
        continue;
      }
      const why = e instanceof Error ? e.message : String(e);
      try {
        await memory.failIngestion(job, `ingestion failed on each of ${receives} attempts; the last: ${why}`);
      } catch {
        failures.push({ itemIdentifier: message.messageId });
      }
    }
  }
  return failures;
}

function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  const left = deadline - Date.now();
  if (!Number.isFinite(left)) return work;
  let timer: NodeJS.Timeout | undefined;
  const out = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new IngestionOutOfTime()), Math.max(0, left));
  });
  return Promise.race([work, out]).finally(() => clearTimeout(timer));
}
