/**
 * A value built on its first use and shared by every later one: how a Lambda
 * defers an SDK (a chunk imported on first use) or a client that needs secrets.
 * A failed build is not kept: the next use tries again, so one throttled
 * secret read or a failed import does not poison a warm container for good.
 */
export function onFirstUse<T>(build: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= build().catch((e: unknown) => {
      value = undefined;
      throw e;
    });
    return value;
  };
}
