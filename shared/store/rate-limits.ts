import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';

/**
 * A bucket has a partition of its own, `RATE#<tenant>`: the API's read-only functions may write
 * there (an IAM condition on the leading key, infra/aws/stacks/api-stack.ts) and nowhere else.
 */
export const RATE_PARTITION_PREFIX = 'RATE#';
export const rateLimitKeys = {
  bucket: (tenantId: string, name: string) => ({ PK: `${RATE_PARTITION_PREFIX}${tenantId}`, SK: name }),
} as const;

export interface BucketLimit {
  /** Tokens a full bucket holds (the burst). */
  capacity: number;
  refillPerSecond: number;
}

export type Take = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** Writers that lost the race this many times in a row are refused for a second, never let through. */
const MAX_ATTEMPTS = 12;

/**
 * Token buckets per tenant. Each take reads the bucket, refills it for the time passed, and
 * writes it back only if nobody wrote since (a version check): two requests can never spend
 * the same token, and a loser reads again and retries.
 */
export class RateLimits {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async take(tenantId: string, name: string, limit: BucketLimit, nowMs = Date.now()): Promise<Take> {
    const Key = rateLimitKeys.bucket(tenantId, name);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
      );
      const seen = out.Item as { tokens: number; atMs: number; version: number } | undefined;
      const elapsed = seen ? Math.max(0, nowMs - seen.atMs) / 1000 : 0;
      const tokens = seen
        ? Math.min(limit.capacity, seen.tokens + elapsed * limit.refillPerSecond)
        : limit.capacity;
      if (tokens < 1) {
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limit.refillPerSecond)),
        };
      }
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...Key,
              entity: 'rateBucket',
              tokens: tokens - 1,
              atMs: Math.max(nowMs, seen?.atMs ?? 0),
              version: (seen?.version ?? 0) + 1,
            },
            ConditionExpression: seen ? 'version = :v' : 'attribute_not_exists(PK)',
            ...(seen ? { ExpressionAttributeValues: { ':v': seen.version } } : {}),
          }),
        );
        return { allowed: true, remaining: Math.floor(tokens - 1) };
      } catch (e) {
        if (!(e instanceof ConditionalCheckFailedException)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
      }
    }
    return { allowed: false, retryAfterSeconds: 1 };
  }
}
