/**
 * `npm run bench -- live [events]`: an event written to the store → received by WebSocket
 * clients of the local host, through the whole live path (DynamoDB Local's stream, the fan-out
 * Lambda's handler, the loopback @connections endpoint, the socket), with 1, 100 and 500
 * subscribers of one task. The clients run in the host's process, so their work is in the figures.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@techteam/shared/config';
import { startHost } from '../../infra/local/host';
import { type LiveClient, openLive } from '../../infra/local/live-client';

const SUBSCRIBERS = [1, 100, 500];
const GOAL_P95_MS = 50;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

export async function main(args: string[]): Promise<void> {
  const events = Number(args[0] ?? 40);
  const host = await startHost({
    config: {
      ...loadConfig({}),
      TECHTEAM_PORT: 0,
      TECHTEAM_DATA_DIR: mkdtempSync(join(tmpdir(), 'techteam-bench-live-')),
      TECHTEAM_LOG_LEVEL: 'warn',
    },
    ephemeral: true,
    log: () => {},
  });
  const url = `${host.url.replace('http', 'ws')}/v1/live`;
  console.log(`live: ${events} events per run, written one at a time, each timed from the write's start`);
  console.log('subscribers   p50 ms   p95 ms   p99 ms   max ms   delivered');
  let failed = false;
  try {
    for (const n of SUBSCRIBERS) {
      // A task the workflow never starts: only the bench writes to its log.
      const task = await host.store.createTask('local', {
        prompt: `live bench, ${n} subscribers`,
        preference: 'balanced',
      });
      const clients: LiveClient[] = [];
      for (let i = 0; i < n; i += 50) {
        const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => openLive(url)));
        clients.push(...batch);
      }
      await Promise.all(
        clients.map((c) => {
          c.send({ action: 'subscribe', topic: 'task', taskId: task.id });
          return c.next((m) => m.type === 'subscribed', 60_000);
        }),
      );
      const sentAt = new Map<string, number>();
      const latencies: number[] = [];
      let waiting: (() => void) | undefined;
      let pending = 0;
      for (const c of clients)
        c.onMessage((m) => {
          if (m.type !== 'event') return;
          const text = (m.event as { type: string; text?: string }).text ?? '';
          const start = sentAt.get(text);
          if (start === undefined) return;
          latencies.push(performance.now() - start);
          if (--pending === 0) waiting?.();
        });
      for (let e = 0; e < events; e++) {
        const text = `bench ${n}/${e}`;
        pending = n;
        const all = new Promise<void>((r) => {
          waiting = r;
        });
        sentAt.set(text, performance.now());
        await host.store.appendEvent('local', task.id, { type: 'note_added', text });
        await Promise.race([all, new Promise((r) => setTimeout(r, 10_000))]);
      }
      latencies.sort((a, b) => a - b);
      const p95 = percentile(latencies, 95);
      if (n === 500 && !(p95 < GOAL_P95_MS)) failed = true;
      console.log(
        `${String(n).padStart(11)}   ${[50, 95, 99, 100].map((p) => percentile(latencies, p).toFixed(1).padStart(6)).join('   ')}   ${latencies.length}/${n * events}`,
      );
      for (const c of clients) c.close();
    }
    console.log(`goal: p95 < ${GOAL_P95_MS} ms with 500 subscribers — ${failed ? 'NOT met' : 'met'}`);
  } finally {
    await host.stop();
  }
}
