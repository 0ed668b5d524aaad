import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain';
import { planProblems, planWaves } from './plan-waves';

const employees = ['researcher', 'dev', 'qa'];
const step = (id: string, dependsOn: string[] = [], employee = 'dev') => ({
  id,
  employee,
  title: id,
  instructions: id,
  dependsOn,
  acceptance: '',
});

/** Random DAGs: step i depends only on steps listed before it, then the listing is shuffled. */
const dag = fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 20 }).chain((deps) =>
  fc
    .shuffledSubarray(
      deps.map((d, i) => step(`s${i}`, [...new Set(d.filter((j) => j < i).map((j) => `s${j}`))])),
      { minLength: deps.length, maxLength: deps.length },
    )
    .map((steps): Plan => ({ summary: '', steps })),
);

describe('planWaves', () => {
  it('puts every step in exactly one wave, after all of its dependencies', () => {
    fc.assert(
      fc.property(dag, (plan) => {
        const waves = planWaves(plan, employees);
        const flat = waves.flat();
        expect(flat.sort()).toEqual(plan.steps.map((s) => s.id).sort());
        const waveOf = new Map(waves.flatMap((w, i) => w.map((id) => [id, i] as const)));
        for (const s of plan.steps)
          for (const d of s.dependsOn) expect(waveOf.get(d)!).toBeLessThan(waveOf.get(s.id)!);
        for (const w of waves) expect(w.length).toBeGreaterThan(0);
      }),
    );
  });

  it('reports any cycle with exactly the steps in it', () => {
    fc.assert(
      fc.property(dag, fc.integer({ min: 2, max: 6 }), (plan, n) => {
        // Add a ring c0 → c1 → … → c(n-1) → c0 beside the acyclic steps.
        const ring = Array.from({ length: n }, (_, i) => step(`c${i}`, [`c${(i + 1) % n}`]));
        const problems = planProblems({ ...plan, steps: [...plan.steps, ...ring] }, employees);
        const cycle = problems.find((p) => p.kind === 'cycle');
        expect(cycle).toBeDefined();
        expect(new Set(cycle!.steps)).toEqual(new Set(ring.map((r) => r.id)));
        expect(cycle!.steps[0]).toBe(cycle!.steps.at(-1));
      }),
    );
  });

  it('names unknown employees, missing and self dependencies, and an empty plan', () => {
    const kinds = planProblems(
      { summary: '', steps: [step('a', ['zz'], 'chef'), step('b', ['b']), step('a')] },
      employees,
    ).map((p) => p.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['unknown_employee', 'missing_dependency', 'self_dependency', 'duplicate_id']),
    );
    expect(planProblems({ summary: '', steps: [] }, employees).map((p) => p.kind)).toEqual(['empty']);
  });

  it('runs independent steps in one wave', () => {
    const plan: Plan = {
      summary: '',
      steps: [step('a'), step('b'), step('c', ['a', 'b']), step('d', ['a'])],
    };
    expect(planWaves(plan, employees)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
  });
});
