import { z } from 'zod';

export const UsageRecord = z.object({
  tenantId: z.string(),
  id: z.string(),
  taskId: z.string(),
  stepId: z.string().optional(),
  employeeId: z.string(),
  provider: z.string(),
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  /** Of inputTokens, those written to the prompt cache (priced at the cache-write rate). */
  cacheWriteTokens: z.number().int().nonnegative().optional(),
  /** Integer micro-USD: money is never a float. */
  costMicroUsd: z.number().int().nonnegative(),
  latencyMs: z.number().nonnegative(),
  attempts: z.number().int().positive(),
  outcome: z.enum(['ok', 'error', 'cancelled']),
  at: z.string(),
});
export type UsageRecord = z.infer<typeof UsageRecord>;

export const Artifact = z.object({
  tenantId: z.string(),
  taskId: z.string(),
  id: z.string(),
  stepId: z.string().optional(),
  path: z.string().min(1),
  kind: z.enum(['file', 'report', 'log']),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string(),
});
export type Artifact = z.infer<typeof Artifact>;
