import type { ProviderError, ProviderFailureKind } from './errors';

export interface RetryPolicy {
  /** Attempts on one model before falling back to the next. */
  maxAttemptsPerModel: number;
  /** First backoff ceiling; it doubles per attempt (full jitter: the wait is uniform in [0, ceiling]). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the router falls back to the next model at once. */
  maxRetryAfterMs: number;
  /** Per-attempt timeout handed to the provider. */
  timeoutMs: number;
  /** How long a deployment that just failed is skipped. */
  cooldownMs: number;
  /** A bad key does not fix itself between calls. */
  authCooldownMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttemptsPerModel: 3,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 20_000,
  timeoutMs: 120_000,
  cooldownMs: 30_000,
  authCooldownMs: 300_000,
};

/**
 * How long to wait before trying the same model again after `error` on
 * attempt `attempt` (1-based), or undefined to stop trying this model. Full
 * jitter keeps concurrent callers from retrying in lockstep; a Retry-After is a
 * floor, since the provider said when it will take the call.
 */
export function retryDelayMs(
  error: Pick<ProviderError, 'retryable' | 'retryAfterMs'>,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (!error.retryable || attempt >= policy.maxAttemptsPerModel) return undefined;
  if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const jittered = Math.floor(random() * ceiling);
  return Math.max(jittered, error.retryAfterMs ?? 0);
}

/** How long a deployment is skipped after it failed this way; 0 means no cooldown. */
export function cooldownFor(kind: ProviderFailureKind, policy: RetryPolicy): number {
  switch (kind) {
    case 'auth':
    case 'not_found':
      return policy.authCooldownMs;
    case 'rate_limited':
    case 'overloaded':
    case 'server':
    case 'timeout':
    case 'network':
      return policy.cooldownMs;
    // 'malformed' is not here: a 2xx we could not use is retried and then the next model is tried,
    // but the deployment answered, and what a model wrote says nothing about the deployment's health.
    default:
      return 0;
  }
}
