import { z } from 'zod';

export const TenantId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, 'must be lowercase letters, digits, _ or -');

export const Tenant = z.object({
  id: TenantId,
  name: z.string().min(1),
  plan: z.enum(['local', 'free', 'team', 'business']).default('free'),
  monthlyBudgetMicroUsd: z.number().int().positive().optional(),
  approvalThresholdMicroUsd: z.number().int().positive().optional(),
  /** Opt-in: identical model calls may be answered from Helicone's cache (when Helicone is configured). */
  heliconeCache: z.boolean().optional(),
  createdAt: z.string(),
});
export type Tenant = z.infer<typeof Tenant>;

export const ApiKeyScope = z.enum(['tasks:read', 'tasks:write', 'admin']);

export const ApiKey = z.object({
  tenantId: TenantId,
  id: z.string(),
  name: z.string().min(1).max(100),
  /** The non-secret prefix shown in lists, `tt_<env>_<id>`. */
  prefix: z.string(),
  /** SHA-256 of the whole key; the key itself is shown once and never stored. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  scopes: z.array(ApiKeyScope).min(1),
  createdAt: z.string(),
  lastUsedAt: z.string().optional(),
  revokedAt: z.string().optional(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** What every handler and core function is given about the caller. */
export interface TenantContext {
  tenantId: string;
  principal: string;
}
