/** Turning one run's model-call timings into per-step orchestration overhead. */

export interface ModelCallTiming {
  /** The plan step the call was made for; undefined for the planner and the synthesis. */
  stepId: string | undefined;
  startMs: number;
  endMs: number;
}

export interface RunOverhead {
  /** One value per step, in ms (see perStepGaps / perStepSpans). */
  perStep: number[];
  /** Execute phase wall time minus model time on its critical path, divided by the steps. */
  amortized: number;
}

/**
 * CHAIN: a step's overhead is the time from the answer of the call before it
 * (the planner's, or the previous step's) to the start of its own model call:
 * finishing the previous step and starting this one, with no model in between.
 */
export function perStepGaps(calls: ModelCallTiming[], stepOrder: string[]): number[] {
  const byStep = new Map(calls.filter((c) => c.stepId).map((c) => [c.stepId!, c]));
  const planner = calls.find((c) => c.stepId === undefined);
  if (!planner) throw new Error('no planner call was timed');
  let previousEnd = planner.endMs;
  return stepOrder.map((id) => {
    const call = byStep.get(id);
    if (!call) throw new Error(`no model call was timed for step ${id}`);
    const gap = call.startMs - previousEnd;
    previousEnd = call.endMs;
    return gap;
  });
}

/** WIDE: a step's overhead is its own span (first state entered to last state left) minus its model time. */
export function perStepSpans(
  spans: Map<string, { startMs: number; endMs: number }>,
  calls: ModelCallTiming[],
  stepOrder: string[],
): number[] {
  return stepOrder.map((id) => {
    const span = spans.get(id);
    if (!span) throw new Error(`no span was timed for step ${id}`);
    const model = calls.filter((c) => c.stepId === id).reduce((sum, c) => sum + (c.endMs - c.startMs), 0);
    return span.endMs - span.startMs - model;
  });
}

/**
 * The execute phase runs from the planner's answer to the next call that is no
 * step's (the synthesis) or to the run's end; model time on the critical path is
 * the steps' model time divided by how many run at once.
 */
export function amortizedOverhead(
  calls: ModelCallTiming[],
  executeEndMs: number,
  steps: number,
  concurrency: number,
): number {
  const planner = calls.find((c) => c.stepId === undefined);
  if (!planner) throw new Error('no planner call was timed');
  const stepCalls = calls.filter((c) => c.stepId !== undefined);
  const model = stepCalls.reduce((sum, c) => sum + (c.endMs - c.startMs), 0) / concurrency;
  return (executeEndMs - planner.endMs - model) / steps;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p95: percentile(s, 95), n: s.length };
}

export const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
