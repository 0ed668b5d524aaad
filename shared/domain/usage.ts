import * as z from '../zod';

export const UsageRecord = z.object({
  tenantId: z.string(),
  id: z.string(),
  taskId: z.string(),
  stepId: z.optional(z.string()),
  employeeId: z.string(),
  provider: z.string(),
  model: z.string(),
  inputTokens: z.int().check(z.nonnegative()),
  outputTokens: z.int().check(z.nonnegative()),
  cachedInputTokens: z.int().check(z.nonnegative()),
  /** Of inputTokens, those written to the prompt cache (priced at the cache-write rate). */
  cacheWriteTokens: z.optional(z.int().check(z.nonnegative())),
  /** Integer micro-USD: money is never a float. */
  costMicroUsd: z.int().check(z.nonnegative()),
  latencyMs: z.number().check(z.nonnegative()),
  attempts: z.int().check(z.positive()),
  outcome: z.enum(['ok', 'error', 'cancelled']),
  at: z.string(),
});
export type UsageRecord = z.infer<typeof UsageRecord>;

export const Artifact = z.object({
  tenantId: z.string(),
  taskId: z.string(),
  id: z.string(),
  stepId: z.optional(z.string()),
  path: z.string().check(z.minLength(1)),
  kind: z.enum(['file', 'report', 'log']),
  bytes: z.int().check(z.nonnegative()),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  createdAt: z.string(),
});
export type Artifact = z.infer<typeof Artifact>;
