/**
 * `npm run bench -- live [events]`: an event written to the store → received by WebSocket
 * clients of the local host, through the whole live path (DynamoDB Local's stream, the fan-out
 * Lambda's handler, the loopback @connections endpoint, the socket), with 1, 100 and 500
 * subscribers of one task. The clients run in the host's process, so their work is in the figures.
 */
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@techteam/shared/config';
import { startHost } from '../../infra/local/host';
import { type LiveClient, openLive } from '../../infra/local/live-client';
import { type EventStages, timeFanOutStages } from './stages';

const SUBSCRIBERS = [1, 100, 500];
const GOAL_P95_MS = 50;

interface EventTimings {
  start: number;
  written: number;
  stages: EventStages;
  firstReceived: number | undefined;
  lastReceived: number;
}

const STAGE_HEADER =
  'subscribers  written  fan-out reads subscribers  read done  first post  posts done  first received  last received';

/** Each mark's median offset from the write's start: the stream's delay, the subscriber read, the posting. */
function stageRow(n: number, timings: EventTimings[]): string {
  const median = (pick: (t: EventTimings) => number | undefined) => {
    const values = timings
      .map((t) => {
        const at = pick(t);
        return at === undefined ? undefined : at - t.start;
      })
      .filter((v): v is number => v !== undefined)
      .sort((a, b) => a - b);
    return percentile(values, 50).toFixed(1);
  };
  const cells = [
    median((t) => t.written),
    median((t) => t.stages.readStart),
    median((t) => t.stages.readEnd),
    median((t) => t.stages.firstPostStart),
    median((t) => t.stages.lastPostEnd),
    median((t) => t.firstReceived),
    median((t) => t.lastReceived),
  ];
  const widths = [7, 26, 9, 10, 10, 14, 13];
  return `${String(n).padStart(11)}  ${cells.map((c, i) => c.padStart(widths[i] ?? 8)).join('  ')}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** `[events] [subscriber counts…]`, e.g. `40 500` for 40 events to 500 subscribers only. */
export async function main(args: string[]): Promise<void> {
  const events = Number(args[0] ?? 40);
  const counts = args.length > 1 ? args.slice(1).map(Number) : SUBSCRIBERS;
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
  const fanOutStages = timeFanOutStages();
  const rows: string[] = [];
  console.log(`live: ${events} events per run, written one at a time, each timed from the write's start`);
  console.log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log('subscribers   p50 ms   p95 ms   p99 ms   max ms   delivered');
  let failed = false;
  try {
    for (const n of counts) {
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
      const timings: EventTimings[] = [];
      let firstReceived: number | undefined;
      let waiting: (() => void) | undefined;
      let pending = 0;
      for (const c of clients)
        c.onMessage((m) => {
          if (m.type !== 'event') return;
          const text = (m.event as { type: string; text?: string }).text ?? '';
          const start = sentAt.get(text);
          if (start === undefined) return;
          const now = performance.now();
          firstReceived ??= now;
          latencies.push(now - start);
          if (--pending === 0) waiting?.();
        });
      for (let e = 0; e < events; e++) {
        const text = `bench ${n}/${e}`;
        pending = n;
        const all = new Promise<void>((r) => {
          waiting = r;
        });
        fanOutStages.next();
        firstReceived = undefined;
        const start = performance.now();
        sentAt.set(text, start);
        await host.store.appendEvent('local', task.id, { type: 'note_added', text });
        const written = performance.now();
        await Promise.race([all, new Promise((r) => setTimeout(r, 10_000))]);
        timings.push({
          start,
          written,
          stages: fanOutStages.current(),
          firstReceived,
          lastReceived: performance.now(),
        });
      }
      rows.push(stageRow(n, timings));
      latencies.sort((a, b) => a - b);
      const p95 = percentile(latencies, 95);
      if (n === 500 && !(p95 < GOAL_P95_MS)) failed = true;
      console.log(
        `${String(n).padStart(11)}   ${[50, 95, 99, 100].map((p) => percentile(latencies, p).toFixed(1).padStart(6)).join('   ')}   ${latencies.length}/${n * events}`,
      );
      for (const c of clients) c.close();
    }
    console.log(`goal: p95 < ${GOAL_P95_MS} ms with 500 subscribers — ${failed ? 'NOT met' : 'met'}`);
    console.log(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log("\nwhere the time goes (median over the events, ms from the write's start):");
    console.log(STAGE_HEADER);
    for (const row of rows) console.log(row);
  } finally {
    fanOutStages.restore();
    await host.stop();
  }
}
