/**
 * `npm run bench -- sandbox [--jobs N] [--levels bwrap,gvisor]`: job start latency
 * (p50, p95) of each local isolation level next to a plain unsandboxed subprocess,
 * their ratio, and jobs per second with two jobs in parallel. A "start" is a whole
 * trivial job (`/usr/bin/true`): prepare, spawn, exit, collect.
 *
 * The plain subprocess and the sandbox job are timed alternately, one of each in
 * turn, so both see the same load: on a shared machine the load moves within
 * seconds, and two runs one after the other compare two different machines.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type LocalIsolation, LocalSandbox } from '@techteam/shared/sandbox';

/** The most a sandbox job's start may cost, as a multiple of a plain subprocess (p50). */
const TARGET_RATIO = 3;

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

interface Row {
  name: string;
  p50: number;
  p95: number;
  perSecond: number;
  /** Mean CPU ms per start, this process and the job's processes together: load moves it far less than time. */
  cpu: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms used so far by this process and its reaped children (the whole job's process tree). */
function cpuMs(): number {
  const self = process.cpuUsage();
  let children = 0;
  try {
    // /proc/self/stat: fields after the command's closing ')'; cutime and cstime are the 14th and 15th.
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    children = (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  } catch {}
  return (self.user + self.system) / 1000 + children;
}

async function timed(once: () => Promise<unknown>, cpu: number[]): Promise<number> {
  const c = cpuMs();
  const t = performance.now();
  await once();
  const ms = performance.now() - t;
  cpu.push(cpuMs() - c);
  return ms;
}

async function throughput(n: number, once: () => Promise<unknown>): Promise<number> {
  const pairs = Math.max(2, Math.floor(n / 2));
  const t = performance.now();
  for (let i = 0; i < pairs; i++) await Promise.all([once(), once()]);
  return (pairs * 2) / ((performance.now() - t) / 1000);
}

function row(name: string, times: number[], cpu: number[], perSecond: number): Row {
  const sorted = [...times].sort((a, b) => a - b);
  const meanCpu = cpu.reduce((a, b) => a + b, 0) / Math.max(1, cpu.length);
  return { name, p50: percentile(sorted, 50), p95: percentile(sorted, 95), perSecond, cpu: meanCpu };
}

/** n starts of each, alternating, after one warm-up of each (first-job set-up is not a start). */
async function measurePair(name: string, n: number, job: () => Promise<unknown>): Promise<[Row, Row]> {
  await plainSubprocess();
  await job();
  const plain: number[] = [];
  const sandboxed: number[] = [];
  const plainCpu: number[] = [];
  const sandboxedCpu: number[] = [];
  for (let i = 0; i < n; i++) {
    plain.push(await timed(plainSubprocess, plainCpu));
    sandboxed.push(await timed(job, sandboxedCpu));
  }
  return [
    row('plain subprocess', plain, plainCpu, await throughput(n, plainSubprocess)),
    row(name, sandboxed, sandboxedCpu, await throughput(n, job)),
  ];
}

export async function main(args: string[]): Promise<void> {
  const jobsArg = args.indexOf('--jobs');
  const n = jobsArg >= 0 ? Number(args[jobsArg + 1]) : 40;
  const levelsArg = args.indexOf('--levels');
  const levels = (levelsArg >= 0 ? args[levelsArg + 1]!.split(',') : ['bwrap', 'gvisor']) as LocalIsolation[];
  console.log(
    `sandbox start latency (${n} jobs of /usr/bin/true per level after one warm-up, each timed alternately with a plain subprocess) and throughput`,
  );
  console.log(
    'level                  p50 ms   p95 ms   cpu ms   jobs/s (2 in parallel)   p50 / plain   p95 / plain   cpu / plain',
  );
  for (const isolation of levels) {
    const sandbox = new LocalSandbox({ isolation });
    const count = isolation === 'gvisor' ? Math.max(4, Math.floor(n / 4)) : n;
    try {
      const [plain, sandboxed] = await measurePair(`${isolation} sandbox job`, count, async () => {
        const result = await sandbox.run({ runtime: 'python', command: ['/usr/bin/true'] });
        // A job that failed (sandbox unavailable, limit hit) is not a start: timing it would lie.
        if (result.exitCode !== 0) {
          throw new Error(
            `${isolation} job exited ${result.exitCode}${result.limit ? ` (${result.limit} limit)` : ''}: ${result.stderr.trim()}`,
          );
        }
        return result;
      });
      for (const r of [plain, sandboxed]) {
        const ratio = (a: number, b: number) => (r === plain ? '' : `${(a / b).toFixed(2)}x`).padStart(11);
        console.log(
          `${r.name.padEnd(22)} ${r.p50.toFixed(1).padStart(6)}   ${r.p95.toFixed(1).padStart(6)}   ${r.cpu.toFixed(1).padStart(6)}   ${r.perSecond.toFixed(1).padStart(6)}                   ${ratio(r.p50, plain.p50)}   ${ratio(r.p95, plain.p95)}   ${ratio(r.cpu, plain.cpu)}`,
        );
      }
      if (isolation === 'bwrap') {
        const ratio = sandboxed.p50 / plain.p50;
        console.log(
          `target: a bwrap job's start at most ${TARGET_RATIO}x a plain subprocess (p50): ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`,
        );
      }
    } finally {
      sandbox.close();
    }
  }
}
