/** Turning one run's model calls into per-step orchestration overhead. */
import type { ModelCall } from './model-calls';

export interface RunOverhead {
  /** CHAIN only: one value per step, in ms (see perStepGaps). */
  perStep: number[];
  /** The execute phase's wall time divided by the steps. */
  amortized: number;
}

/**
 * CHAIN: a step's overhead is the time from the call before it (the planner's,
 * or the previous step's) to its own: finishing the previous step and starting
 * this one. The model answers instantly, so nothing in between is model time.
 */
export function perStepGaps(calls: ModelCall[], stepOrder: string[]): number[] {
  const byStep = new Map(calls.filter((c) => c.first).map((c) => [c.stepId!, c.at]));
  let previous = plannerCall(calls).at;
  return stepOrder.map((id) => {
    const at = byStep.get(id);
    if (at === undefined) throw new Error(`no model call was made for step ${id}`);
    const gap = at - previous;
    previous = at;
    return gap;
  });
}

/**
 * The execute phase runs from the planner's call to the synthesis's call (the
 * first call after the planner's that is no step's), or to `endMs` if none.
 */
export function amortizedOverhead(calls: ModelCall[], steps: number, endMs?: number): number {
  const planner = plannerCall(calls);
  const after = calls.slice(calls.indexOf(planner) + 1).find((c) => c.stepId === undefined);
  const end = after?.at ?? endMs;
  if (end === undefined) throw new Error('no call after the steps and no end time');
  return (end - planner.at) / steps;
}

function plannerCall(calls: ModelCall[]): ModelCall {
  const planner = calls[0];
  if (!planner || planner.stepId !== undefined) throw new Error('the first model call was not the planner’s');
  return planner;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), n: s.length };
}

export const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
