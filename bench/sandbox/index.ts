/**
 * `npm run bench -- sandbox [--jobs N]`: job start latency (p50, p95) of each
 * local isolation level next to a plain unsandboxed subprocess, and jobs per
 * second with two jobs in parallel. A "start" is a whole trivial job
 * (`/usr/bin/true`): prepare, spawn, exit, collect.
 */
import { spawn } from 'node:child_process';
import { type LocalIsolation, LocalSandbox } from '@techteam/shared/sandbox';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function plainSubprocess(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/true', [], { stdio: ['ignore', 'pipe', 'pipe'], env: {} });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`/usr/bin/true exited ${code}`))));
  });
}

async function measure(name: string, n: number, once: () => Promise<unknown>) {
  await once(); // warm-up: first-job set-up (cgroups, tmpfs, rootfs) is not a start
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const pairs = Math.max(2, Math.floor(n / 2));
  const t = performance.now();
  for (let i = 0; i < pairs; i++) await Promise.all([once(), once()]);
  const perSecond = (pairs * 2) / ((performance.now() - t) / 1000);
  return { name, p50: percentile(times, 50), p95: percentile(times, 95), perSecond };
}

export async function main(args: string[]): Promise<void> {
  const jobsArg = args.indexOf('--jobs');
  const n = jobsArg >= 0 ? Number(args[jobsArg + 1]) : 40;
  const rows = [await measure('plain subprocess', n, plainSubprocess)];
  for (const isolation of ['bwrap', 'gvisor'] as LocalIsolation[]) {
    const sandbox = new LocalSandbox({ isolation });
    const count = isolation === 'gvisor' ? Math.max(4, Math.floor(n / 4)) : n;
    try {
      rows.push(
        await measure(`${isolation} sandbox job`, count, async () => {
          const result = await sandbox.run({ runtime: 'python', command: ['/usr/bin/true'] });
          // A job that failed (sandbox unavailable, limit hit) is not a start: timing it would lie.
          if (result.exitCode !== 0) {
            throw new Error(
              `${isolation} job exited ${result.exitCode}${result.limit ? ` (${result.limit} limit)` : ''}: ${result.stderr.trim()}`,
            );
          }
          return result;
        }),
      );
    } finally {
      sandbox.close();
    }
  }
  console.log(
    `sandbox start latency (${n} sequential jobs of /usr/bin/true after one warm-up) and throughput`,
  );
  console.log('level                  p50 ms   p95 ms   jobs/s (2 in parallel)');
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(22)} ${r.p50.toFixed(1).padStart(6)}   ${r.p95.toFixed(1).padStart(6)}   ${r.perSecond.toFixed(1).padStart(6)}`,
    );
  }
  const bwrap = rows.find((r) => r.name.startsWith('bwrap'));
  if (bwrap)
    console.log(
      `target p50 < 50 ms for bwrap: ${bwrap.p50 < 50 ? 'met' : 'NOT met'} (${bwrap.p50.toFixed(1)} ms)`,
    );
}
