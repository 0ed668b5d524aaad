/**
 * How the fan-out's DynamoDB stream mapping delivers records, on AWS (infra/aws/constructs/
 * live-api.ts) and on the local host (infra/local/stream-delivery.ts) alike: batches of
 * FAN_OUT_BATCH_SIZE records; a batch that throws is split in two and retried, up to
 * FAN_OUT_RETRY_ATTEMPTS times, and then sent to the dead-letter queue. Kept in one place so a
 * local run loses or repeats exactly what AWS would.
 */

/**
 * Stream records per fan-out invocation. Each event is one post per subscriber, POST_CONCURRENCY
 * at a time (fan-out.ts): 10 events to 500 subscribers is 100 rounds, ~10 s if every post took
 * 100 ms (they take ~10-30 ms), so a batch stays far within the fan-out's timeout.
 */
export const FAN_OUT_BATCH_SIZE = 10;

/** Retries of a failed batch (each after bisecting it) before it goes to the dead-letter queue. */
export const FAN_OUT_RETRY_ATTEMPTS = 5;
