import * as z from '../zod';

export const TenantId = z
  .string()
  .check(z.regex(/^[a-z0-9][a-z0-9_-]{1,62}$/, 'must be lowercase letters, digits, _ or -'));

export const Tenant = z.object({
  id: TenantId,
  name: z.string().check(z.minLength(1)),
  plan: z._default(z.enum(['local', 'free', 'team', 'business']), 'free'),
  /**
   * The monthly budget the gateway enforces, derived (shared/money/monthly-budget.ts) from the two
   * inputs below and written with them; never set on its own.
   */
  monthlyBudgetMicroUsd: z.optional(z.int().check(z.nonnegative())),
  /** The tenant's own monthly spend cap (`PUT /v1/settings` `monthlyBudgetUsd`). */
  spendCapMicroUsd: z.optional(z.int().check(z.positive())),
  /** What the plan allows a month, credit plus overage cap (billing writes it while billing is on). */
  planAllowanceMicroUsd: z.optional(z.int().check(z.nonnegative())),
  approvalThresholdMicroUsd: z.optional(z.int().check(z.positive())),
  /** Opt-in: identical model calls may be answered from Helicone's cache (when Helicone is configured). */
  heliconeCache: z.optional(z.boolean()),
  /** API requests per minute (a token bucket of that size); unset: the default in shared/identity. */
  requestsPerMinute: z.optional(z.int().check(z.positive())),
  /** Tasks running at once; unset: the plan's or the default in shared/identity. */
  maxRunningTasks: z.optional(z.int().check(z.positive())),
  /** Where the tenant came from: a Clerk organization or user id, or `local` / `bootstrap`. */
  origin: z.optional(z.string()),
  createdAt: z.string(),
});
export type Tenant = z.infer<typeof Tenant>;

export const ApiKeyScope = z.enum(['tasks:read', 'tasks:write', 'admin']);

export const ApiKey = z.object({
  tenantId: TenantId,
  id: z.string(),
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  /** The non-secret prefix shown in lists, `tt_<env>_<id>`. */
  prefix: z.string(),
  /** SHA-256 of the whole key; the key itself is shown once and never stored. */
  hash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  scopes: z.array(ApiKeyScope).check(z.minLength(1)),
  createdAt: z.string(),
  lastUsedAt: z.optional(z.string()),
  revokedAt: z.optional(z.string()),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** What every handler and core function is given about the caller. */
export interface TenantContext {
  tenantId: string;
  principal: string;
}
