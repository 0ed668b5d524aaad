/** `--profile`: where Techteam's time per step goes, by Task state and by store request. */
import type { StateTiming } from '@techteam/infra/local/host';
import { fmt, stats } from './overhead';
import { type Shape, STEPS } from './plan-shapes';
import type { StoreRequest } from './store-requests';

interface ProfiledRun {
  amortized: number;
  states: StateTiming[];
  requests: StoreRequest[];
}

const STEP_STATES = new Set(['StartStep', 'RunEmployee', 'DevAttempt', 'QAReview']);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Wall time during which at least one store request was in flight (parallel requests count once). */
function waited(requests: StoreRequest[]): number {
  let total = 0;
  let until = Number.NEGATIVE_INFINITY;
  for (const r of [...requests].sort((a, b) => a.startMs - b.startMs)) {
    const end = r.startMs + r.ms;
    if (end <= until) continue;
    total += end - Math.max(r.startMs, until);
    until = end;
  }
  return total;
}

/** CHAIN only (steps run one after another): the execute phase per step, split by who spent it. */
function splitOfStep(run: ProfiledRun) {
  const steps = run.states.filter((s) => STEP_STATES.has(s.state));
  const from = Math.min(...steps.map((s) => s.startMs));
  const to = Math.max(...steps.map((s) => s.endMs));
  const inHandlers = sum(steps.map((s) => s.endMs - s.startMs)) / STEPS;
  const store = waited(run.requests.filter((r) => r.startMs >= from && r.startMs < to)) / STEPS;
  return { inHandlers, store, outside: run.amortized - inHandlers };
}

export function printProfile(shape: Shape, runs: ProfiledRun[]): void {
  console.log('');
  console.log(`${shape.toUpperCase()} profile over ${runs.length} runs of ${STEPS} steps`);
  const byState = new Map<string, number[]>();
  for (const t of runs.flatMap((r) => r.states)) {
    byState.set(t.state, [...(byState.get(t.state) ?? []), t.endMs - t.startMs]);
  }
  console.log('  Task state       calls/run    p50 handler    p95 handler');
  for (const [state, times] of byState) {
    const s = stats(times);
    console.log(
      `  ${state.padEnd(15)} ${(times.length / runs.length).toFixed(1).padStart(9)}  ${fmt(s.p50).padStart(13)}  ${fmt(s.p95).padStart(13)}`,
    );
  }
  const all = runs.flatMap((x) => x.requests);
  console.log(
    `  store requests: ${(all.length / runs.length / STEPS).toFixed(1)} per step, p50 ${fmt(stats(all.map((r) => r.ms)).p50)}`,
  );
  const byCommand = new Map<string, number[]>();
  for (const r of all) byCommand.set(r.command, [...(byCommand.get(r.command) ?? []), r.ms]);
  for (const [command, times] of [...byCommand].sort((a, b) => b[1].length - a[1].length)) {
    console.log(
      `    ${command.padEnd(26)} ${(times.length / runs.length / STEPS).toFixed(2).padStart(6)} per step   p50 ${fmt(stats(times).p50)}`,
    );
  }
  if (shape !== 'chain') return;
  const splits = runs.map(splitOfStep);
  const p50 = (pick: (s: ReturnType<typeof splitOfStep>) => number) => fmt(stats(splits.map(pick)).p50);
  console.log(
    `  a step (p50 over runs): ${p50((s) => s.inHandlers + s.outside)} = ${p50((s) => s.store)} waiting on the store` +
      ` + ${p50((s) => s.inHandlers - s.store)} other work in the step states (model wire, MCP toolbox, parsing)` +
      ` + ${p50((s) => s.outside)} in the engine between states`,
  );
}
