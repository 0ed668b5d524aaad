import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../domain';
import { PlanInvalid } from './errors';
import { orderPlanSteps } from './plan-order';

const employees = ['researcher', 'dev', 'qa'];
const step = (id: string, dependsOn: string[] = [], employee = 'dev') => ({
  id,
  employee,
  title: id,
  instructions: id,
  dependsOn,
  acceptance: '',
});

describe('orderPlanSteps', () => {
  it('puts every step after all of its dependencies, for any acyclic plan', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 15 }), (deps) => {
        // Step i may depend only on steps < i: acyclic by construction; then shuffle the listing.
        const steps = deps.map((d, i) =>
          step(`s${i}`, [...new Set(d.filter((j) => j < i).map((j) => `s${j}`))]),
        );
        const plan: Plan = { summary: '', steps: [...steps].reverse() };
        const order = orderPlanSteps(plan, employees);
        expect(new Set(order).size).toBe(steps.length);
        for (const s of steps)
          for (const d of s.dependsOn) expect(order.indexOf(d)).toBeLessThan(order.indexOf(s.id));
      }),
    );
  });

  it('reports a cycle with the steps in it', () => {
    const plan: Plan = {
      summary: '',
      steps: [step('a', ['c']), step('b', ['a']), step('c', ['b']), step('d')],
    };
    expect(() => orderPlanSteps(plan, employees)).toThrow(/steps a, b, c form a dependency cycle/);
  });

  it('names unknown employees, missing dependencies and duplicate ids', () => {
    const plan: Plan = { summary: '', steps: [step('a', ['zz'], 'chef'), step('a')] };
    try {
      orderPlanSteps(plan, employees);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlanInvalid);
      const msg = (e as Error).message;
      expect(msg).toContain("step id 'a' is used twice");
      expect(msg).toContain("unknown employee 'chef'");
      expect(msg).toContain("missing step 'zz'");
    }
  });
});
