import type { Plan } from '../domain';
import { PlanInvalid } from './errors';

/**
 * Checks a plan's structure and returns its step ids in an order where every
 * step comes after all of its dependencies (Kahn's algorithm, stable by plan order).
 */
export function orderPlanSteps(plan: Plan, knownEmployees: readonly string[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const step of plan.steps) {
    if (ids.has(step.id)) problems.push(`step id '${step.id}' is used twice`);
    ids.add(step.id);
    if (!knownEmployees.includes(step.employee)) {
      problems.push(
        `step '${step.id}' names unknown employee '${step.employee}' (known: ${knownEmployees.join(', ')})`,
      );
    }
  }
  for (const step of plan.steps) {
    for (const dep of step.dependsOn) {
      if (!ids.has(dep)) problems.push(`step '${step.id}' depends on missing step '${dep}'`);
      if (dep === step.id) problems.push(`step '${step.id}' depends on itself`);
    }
  }
  if (problems.length) throw new PlanInvalid(problems);

  const done = new Set<string>();
  const order: string[] = [];
  let progressed = true;
  while (progressed && order.length < plan.steps.length) {
    progressed = false;
    for (const step of plan.steps) {
      if (done.has(step.id)) continue;
      if (step.dependsOn.every((d) => done.has(d))) {
        done.add(step.id);
        order.push(step.id);
        progressed = true;
      }
    }
  }
  if (order.length < plan.steps.length) {
    const stuck = plan.steps.filter((s) => !done.has(s.id)).map((s) => s.id);
    throw new PlanInvalid([`steps ${stuck.join(', ')} form a dependency cycle`]);
  }
  return order;
}
