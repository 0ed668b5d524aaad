import type { ProviderError, ProviderFailureKind } from '../errors';

export interface RetryPolicy {
  /** Attempts on one model before falling back to the next. */
  maxAttemptsPerModel: number;
  /** First backoff ceiling; it doubles per attempt (full jitter: the wait is uniform in [0, ceiling]). */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * A Retry-After longer than this (or than the call may still wait) is not waited out between
   * attempts: the model cools down for as long as the provider asked, and the next model is tried.
   */
  maxRetryAfterMs: number;
  /** Per-attempt timeout handed to the provider. */
  timeoutMs: number;
  /** How long a deployment that just failed is skipped. */
  cooldownMs: number;
  /** A bad key does not fix itself between calls. */
  authCooldownMs: number;
  /** The longest cooldown a Retry-After may ask for; a provider's "come back tomorrow" is not believed. */
  maxCooldownMs: number;
  /**
   * How long one call may wait for a cooling model when every model it may use is cooling down,
   * unless the call's own deadline comes first.
   */
  maxCoolingWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttemptsPerModel: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 20_000,
  timeoutMs: 120_000,
  cooldownMs: 30_000,
  authCooldownMs: 300_000,
  maxCooldownMs: 600_000,
  maxCoolingWaitMs: 60_000,
};

/**
 * How long to wait before trying the same model again after `error` on
 * attempt `attempt` (1-based), or undefined to stop trying this model. Full
 * jitter keeps concurrent callers from retrying in lockstep; a Retry-After is a
 * floor, since the provider said when it will take the call. `mayWaitMs` is what
 * the call may still wait: a Retry-After beyond it (or beyond the policy's cap) is
 * not waited out here.
 */
export function retryDelayMs(
  error: Pick<ProviderError, 'retryable' | 'retryAfterMs'>,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
  mayWaitMs = Number.POSITIVE_INFINITY,
): number | undefined {
  if (!error.retryable || attempt >= policy.maxAttemptsPerModel) return undefined;
  if (error.retryAfterMs !== undefined && error.retryAfterMs > Math.min(policy.maxRetryAfterMs, mayWaitMs)) {
    return undefined;
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, error.retryAfterMs ?? 0);
}

/**
 * How long a deployment is skipped after it failed this way; 0 means no cooldown.
 * A Retry-After longer than the usual cooldown is honoured, up to `maxCooldownMs`.
 */
export function cooldownFor(kind: ProviderFailureKind, policy: RetryPolicy, retryAfterMs?: number): number {
  switch (kind) {
    case 'auth':
    case 'not_found':
      return policy.authCooldownMs;
    case 'rate_limited':
    case 'overloaded':
    case 'server':
    case 'timeout':
    case 'network':
      return Math.max(policy.cooldownMs, Math.min(retryAfterMs ?? 0, policy.maxCooldownMs));
    // 'malformed' is not here: a 2xx we could not use is retried and then the next model is tried,
    // but the deployment answered, and what a model wrote says nothing about the deployment's health.
    default:
      return 0;
  }
}
