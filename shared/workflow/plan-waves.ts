import type { Plan } from '../domain';
import { PlanInvalid } from './errors';
import { historyProblem } from './history-budget';

export interface PlanProblem {
  kind:
    | 'unknown_employee'
    | 'missing_dependency'
    | 'self_dependency'
    | 'duplicate_id'
    | 'cycle'
    | 'empty'
    | 'too_large';
  message: string;
  steps: string[];
}

/**
 * Every structural problem of a plan; an empty list means the plan can run. `spentEvents`: history
 * events the execution used before this plan (a re-plan), counted against Step Functions' limit.
 */
export function planProblems(plan: Plan, knownEmployees: readonly string[], spentEvents = 0): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (!plan.steps.length) problems.push({ kind: 'empty', message: 'the plan has no steps', steps: [] });
  const ids = new Set<string>();
  for (const step of plan.steps) {
    if (ids.has(step.id)) {
      problems.push({
        kind: 'duplicate_id',
        message: `step id '${step.id}' is used twice`,
        steps: [step.id],
      });
    }
    ids.add(step.id);
    if (!knownEmployees.includes(step.employee)) {
      problems.push({
        kind: 'unknown_employee',
        message: `step '${step.id}' names unknown employee '${step.employee}' (known: ${knownEmployees.join(', ')})`,
        steps: [step.id],
      });
    }
  }
  for (const step of plan.steps) {
    for (const dep of step.dependsOn) {
      if (dep === step.id) {
        problems.push({
          kind: 'self_dependency',
          message: `step '${step.id}' depends on itself`,
          steps: [step.id],
        });
      } else if (!ids.has(dep)) {
        problems.push({
          kind: 'missing_dependency',
          message: `step '${step.id}' depends on missing step '${dep}'`,
          steps: [step.id],
        });
      }
    }
  }
  if (problems.length) return problems;
  const cycle = findCycle(plan);
  if (cycle)
    problems.push({
      kind: 'cycle',
      message: `steps ${cycle.join(' → ')} form a dependency cycle`,
      steps: cycle,
    });
  const tooLarge = cycle ? undefined : historyProblem(plan, spentEvents);
  if (tooLarge) problems.push({ kind: 'too_large', message: tooLarge, steps: [] });
  return problems;
}

/** One cycle of the dependency graph, as the steps in it (first repeated at the end), or undefined. */
function findCycle(plan: Plan): string[] | undefined {
  const deps = new Map(plan.steps.map((s) => [s.id, s.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const d of deps.get(id) ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const s of plan.steps) {
    const found = visit(s.id);
    if (found) return found.reverse();
  }
  return undefined;
}

/**
 * The plan as topological waves: each wave holds the steps whose dependencies
 * are all in earlier waves, so the steps of one wave can run in parallel.
 */
export function planWaves(plan: Plan, knownEmployees: readonly string[]): string[][] {
  const problems = planProblems(plan, knownEmployees);
  if (problems.length) throw new PlanInvalid(problems.map((p) => p.message));
  const waveOf = new Map<string, number>();
  const waves: string[][] = [];
  let remaining = plan.steps;
  while (remaining.length) {
    const wave = remaining.filter((s) => s.dependsOn.every((d) => waveOf.has(d)));
    for (const s of wave) waveOf.set(s.id, waves.length);
    waves.push(wave.map((s) => s.id));
    remaining = remaining.filter((s) => !waveOf.has(s.id));
  }
  return waves;
}
