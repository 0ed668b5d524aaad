/** The two plan shapes the workflow bench runs, each of STEPS researcher steps. */
export type Shape = 'chain' | 'wide';
export const SHAPES: readonly Shape[] = ['chain', 'wide'];
export const STEPS = 20;

export interface BenchStep {
  id: string;
  dependsOn: string[];
}

/** CHAIN: each step depends on the previous one. WIDE: no step depends on another. */
export function benchSteps(shape: Shape): BenchStep[] {
  return Array.from({ length: STEPS }, (_, i) => ({
    id: `s${i + 1}`,
    dependsOn: shape === 'chain' && i > 0 ? [`s${i}`] : [],
  }));
}

/** The planner's answer for a shape: researcher steps only, so no sandbox job ever runs. */
export function benchPlanJson(shape: Shape): string {
  return JSON.stringify({
    summary: `A ${shape} of ${STEPS} researcher steps (workflow bench)`,
    steps: benchSteps(shape).map((s) => ({
      ...s,
      employee: 'researcher',
      title: `Bench step ${s.id}`,
      instructions: `Answer at once for step ${s.id}.`,
      acceptance: 'any answer',
    })),
  });
}
