import { expect } from 'vitest';
import { ProviderError } from '../gateway/errors';

/** The ProviderError a provider call fails with; fails the test if it succeeds or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/** Aborts once the fake server has the request, so the abort is not racing the request's departure. */
export async function abortOnceReceived(
  server: { requests: readonly unknown[] },
  controller: AbortController,
): Promise<void> {
  const deadline = Date.now() + 2000;
  while (server.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  controller.abort();
}
