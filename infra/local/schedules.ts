import { loadHandler, SCHEDULED_HANDLERS } from '@techteam/functions/routes';

/**
 * The scheduled handlers (functions/routes.ts SCHEDULED_HANDLERS) on timers, as
 * EventBridge runs them on AWS: each every `everyMinutes`, never two runs of one at
 * once. Returns what stops them.
 */
export function startSchedules(
  log: (line: string) => void,
  everyMs: (minutes: number) => number = (m) => m * 60_000,
): () => void {
  const timers = Object.entries(SCHEDULED_HANDLERS).map(([name, { file, everyMinutes }]) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      void loadHandler(file)
        .then((handler) => handler({} as never))
        .catch((e: unknown) => log(`  ${name} failed: ${(e as Error).message}`))
        .finally(() => {
          running = false;
        });
    }, everyMs(everyMinutes));
    timer.unref();
    return timer;
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
