/** `--profile`: where Techteam's time per step goes, by Task state and by store request. */
import type { StateTiming } from '@techteam/infra/local/host';
import { fmt, stats } from './overhead';
import type { Shape } from './plan-shapes';
import { STEPS } from './plan-shapes';
import type { StoreRequest } from './store-requests';

export function printProfile(
  shape: Shape,
  runs: { states: StateTiming[]; requests: StoreRequest[] }[],
): void {
  console.log('');
  console.log(`${shape.toUpperCase()} profile over ${runs.length} runs (per run of ${STEPS} steps)`);
  const byState = new Map<string, number[]>();
  for (const t of runs.flatMap((r) => r.states)) {
    byState.set(t.state, [...(byState.get(t.state) ?? []), t.endMs - t.startMs]);
  }
  console.log('  Task state       calls/run    p50 handler    p95 handler   total/run');
  for (const [state, times] of byState) {
    const s = stats(times);
    const total = times.reduce((a, b) => a + b, 0) / runs.length;
    console.log(
      `  ${state.padEnd(15)} ${(times.length / runs.length).toFixed(1).padStart(9)}  ${fmt(s.p50).padStart(13)}  ${fmt(s.p95).padStart(13)}  ${fmt(total).padStart(10)}`,
    );
  }
  const byCommand = new Map<string, number[]>();
  for (const r of runs.flatMap((x) => x.requests)) {
    byCommand.set(r.command, [...(byCommand.get(r.command) ?? []), r.ms]);
  }
  const all = runs.flatMap((x) => x.requests);
  console.log(
    `  store requests: ${(all.length / runs.length / STEPS).toFixed(1)} per step, p50 ${fmt(stats(all.map((r) => r.ms)).p50)}`,
  );
  for (const [command, times] of [...byCommand].sort((a, b) => b[1].length - a[1].length)) {
    console.log(
      `    ${command.padEnd(26)} ${(times.length / runs.length / STEPS).toFixed(2).padStart(6)} per step   p50 ${fmt(stats(times).p50)}`,
    );
  }
}
