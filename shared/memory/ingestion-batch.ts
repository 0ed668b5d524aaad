import { TenantId } from '../domain/tenant';
import { log } from '../observability';
import { actAsTenant } from '../store/acting-tenant';
import { TenantScopeViolation } from '../store/tenant-errors';
import * as z from '../zod';
import { IngestionOutOfTime } from './errors';
import type { IngestionJob } from './team-memory';

/** A message's body: the tenant's id in the shape every door checks, so no malformed id ever names a partition. */
export const IngestionJobSchema = z.object({
  tenantId: TenantId,
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
 * Ingests an SQS batch and answers the ids to receive again. Each message is ingested acting as
 * its own tenant (shared/store/acting-tenant.ts): its store requests go with that tenant's session,
 * and one naming any other tenant is refused before it is sent. A message that threw comes back,
 * until its last receive: then its document is marked `failed` with the reason and the message is
 * consumed, so no document stays `queued` behind a message in the dead-letter queue. A refusal
 * (TenantScopeViolation) is a bug that no retry mends: its document is marked `failed` at once.
 * The last attempt also stops at `deadline` (the invocation's end, less a margin): the Lambda's
 * timeout would otherwise kill it before it could say why. Only a message that cannot be read
 * (not JSON, or no valid tenant id, document id and version), or whose failure cannot be
 * recorded, goes to the dead-letter queue.
 */
export async function ingestBatch(
  memory: Ingester,
  messages: readonly IngestionMessage[],
  deadline: number = Number.POSITIVE_INFINITY,
): Promise<{ itemIdentifier: string }[]> {
  const failures: { itemIdentifier: string }[] = [];
  for (const message of messages) {
    const job = jobOf(message);
    if (!job) {
      failures.push({ itemIdentifier: message.messageId });
      continue;
    }
    const failed = await actAsTenant(job.tenantId, () => ingestOne(memory, job, message, deadline));
    if (failed) failures.push({ itemIdentifier: message.messageId });
  }
  return failures;
}

/** The message's job, or nothing (logged by message id: its body may name a tenant it should not). */
function jobOf(message: IngestionMessage): IngestionJob | undefined {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    log.warn('ingestion message is not JSON; left for the dead-letter queue', {
      messageId: message.messageId,
    });
    return undefined;
  }
  const job = IngestionJobSchema.safeParse(body);
  if (job.success) return job.data;
  log.warn('ingestion message names no valid tenant, document and version; left for the dead-letter queue', {
    messageId: message.messageId,
    problems: job.error.issues.map((i) => i.path.join('.')),
  });
  return undefined;
}

/** Ingests one message's job, acting as its tenant; answers whether the message must be received again. */
async function ingestOne(
  memory: Ingester,
  job: IngestionJob,
  message: IngestionMessage,
  deadline: number,
): Promise<boolean> {
  const receives = Number(message.attributes?.ApproximateReceiveCount ?? 1);
  const last = receives >= INGESTION_MAX_RECEIVES;
  try {
    await (last ? beforeDeadline(memory.ingest(job), deadline - MARGIN_MS) : memory.ingest(job));
    return false;
  } catch (e) {
    const refused = e instanceof TenantScopeViolation;
    if (refused) {
      // The other tenants it named go to the log only, never onto the document.
      log.error('ingestion named another tenant’s data and was refused', {
        messageId: message.messageId,
        documentId: job.documentId,
        error: e,
        named: e.named,
      });
    } else if (!last) return true;
    const why = e instanceof Error ? e.message : String(e);
    try {
      await memory.failIngestion(
        job,
        refused
          ? `ingestion was refused: ${why}`
          : `ingestion failed on each of ${receives} attempts; the last: ${why}`,
      );
      return false;
    } catch {
      return true;
    }
  }
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
