import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PlanStep, planDraftJsonSchema } from '../../domain';
import { planProblems } from '../plan-waves';
import { foldReviewSteps, readPlanDraft, readReplanDraft } from './plan-draft';

const employees = ['researcher', 'dev', 'qa'];
const step = (id: string, employee: string, dependsOn: string[] = [], acceptance = ''): PlanStep => ({
  id,
  employee,
  title: id,
  instructions: `do ${id}`,
  dependsOn,
  acceptance,
});

describe('readPlanDraft', () => {
  it('names an unknown key with the key it was probably meant to be, instead of dropping it', () => {
    const text = JSON.stringify({
      summary: 's',
      steps: [
        { id: 'research', employee: 'researcher', title: 'r', instructions: 'r' },
        { id: 'build', employee: 'dev', title: 'b', instructions: 'b', depends_on: ['research'] },
      ],
    });
    const reading = readPlanDraft(text, employees);
    expect(reading.plan).toBeUndefined();
    expect(reading.problems).toEqual(["steps.1: unknown key 'depends_on' (did you mean 'dependsOn'?)"]);
  });

  it('reports every problem at once, so one repair round can mend them all', () => {
    const text = JSON.stringify({
      steps: [
        { id: 'A b', employee: 'dev', title: 't', instructions: 'i', criteria: 'x' },
        { id: 'c', employee: 'dev', title: '', instructions: 'i', Acceptance: 'y' },
      ],
      notes: 'n',
    });
    const { problems } = readPlanDraft(text, employees);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^steps\.0\.id: must be lowercase/),
        "steps.0: unknown key 'criteria' (allowed: id, employee, title, instructions, dependsOn, acceptance)",
        expect.stringMatching(/^steps\.1\.title: /),
        "steps.1: unknown key 'Acceptance' (did you mean 'acceptance'?)",
        "plan: unknown key 'notes' (allowed: summary, steps)",
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('reads a plan wrapped in prose or a code fence, and says so when there is no JSON at all', () => {
    const plan = { steps: [{ id: 'a', employee: 'dev', title: 'a', instructions: 'a' }] };
    expect(
      readPlanDraft(`Here it is:\n\`\`\`json\n${JSON.stringify(plan)}\n\`\`\``, employees).plan?.steps,
    ).toHaveLength(1);
    expect(readPlanDraft('I would rather not.', employees).problems).toEqual([
      'the answer is not a JSON object',
    ]);
  });

  it('checks the structure after the schema: unknown employee, missing dependency', () => {
    const text = JSON.stringify({
      steps: [{ id: 'a', employee: 'designer', title: 'a', instructions: 'a', dependsOn: ['ghost'] }],
    });
    expect(readPlanDraft(text, employees).problems).toEqual([
      "step 'a' names unknown employee 'designer' (known: researcher, dev, qa)",
      "step 'a' depends on missing step 'ghost'",
    ]);
  });

  it('folds a qa step that only reviews a dev step into it, and rewires its dependents', () => {
    const text = JSON.stringify({
      steps: [
        step('research', 'researcher'),
        step('build', 'dev', ['research'], 'tests pass'),
        step('review', 'qa', ['build', 'research'], 'edge cases are tested'),
        step('docs', 'researcher', ['review']),
      ],
    });
    const { plan, repairs } = readPlanDraft(text, employees);
    expect(plan?.steps.map((s) => s.id)).toEqual(['research', 'build', 'docs']);
    expect(plan?.steps[1]?.acceptance).toBe('tests pass\nedge cases are tested');
    expect(plan?.steps[2]?.dependsOn).toEqual(['build']);
    expect(repairs).toEqual([expect.stringMatching(/^qa step 'review' only reviewed dev step 'build'/)]);
  });
});

describe('foldReviewSteps', () => {
  it('keeps a qa step that reviews several dev steps together: its verdict is a step of its own', () => {
    const steps = [step('api', 'dev'), step('cli', 'dev'), step('integration', 'qa', ['api', 'cli'])];
    const { steps: out, repairs } = foldReviewSteps(steps);
    expect(out.map((s) => s.id)).toEqual(['api', 'cli', 'integration']);
    expect(repairs).toEqual([]);
  });

  it('keeps a qa step that needs more than the dev step had (another step’s result)', () => {
    const steps = [step('spec', 'researcher'), step('build', 'dev'), step('check', 'qa', ['build', 'spec'])];
    expect(foldReviewSteps(steps).steps).toHaveLength(3);
  });

  it('leaves any valid plan valid, with no qa step left that only reviews one dev step', () => {
    const employeesArb = fc.constantFrom('researcher', 'dev', 'qa');
    const plans = fc
      .array(fc.tuple(employeesArb, fc.array(fc.nat(), { maxLength: 3 })), { minLength: 1, maxLength: 12 })
      .map((rows) =>
        rows.map(([employee, deps], i) =>
          step(`s${i}`, employee, [...new Set(deps.filter((j) => j < i).map((j) => `s${j}`))]),
        ),
      );
    fc.assert(
      fc.property(plans, (steps) => {
        const { steps: out } = foldReviewSteps(steps);
        expect(planProblems({ summary: '', steps: out }, employees)).toEqual([]);
        expect(foldReviewSteps(out).repairs).toEqual([]);
      }),
    );
  });
});

describe('readReplanDraft', () => {
  const kept = [step('research', 'researcher')];

  it('takes a decline with its reason', () => {
    const reading = readReplanDraft(
      JSON.stringify({ replan: false, reason: 'needs the network' }),
      employees,
      kept,
    );
    expect(reading).toMatchObject({ declined: 'needs the network', problems: [] });
  });

  it('puts the new steps after the steps already done, which they may depend on', () => {
    const text = JSON.stringify({
      replan: true,
      reason: 'smaller step',
      steps: [step('build-small', 'dev', ['research'])],
    });
    const reading = readReplanDraft(text, employees, kept);
    expect(reading.plan?.steps.map((s) => s.id)).toEqual(['research', 'build-small']);
    expect(reading.reason).toBe('smaller step');
  });

  it('refuses a new step that reuses the id of a step already done, and a re-plan with no steps', () => {
    const reuse = JSON.stringify({ replan: true, reason: 'r', steps: [step('research', 'researcher')] });
    expect(readReplanDraft(reuse, employees, kept).problems).toEqual([
      "step id 'research' belongs to a step already done; give the new step a new id",
    ]);
    const empty = JSON.stringify({ replan: true, reason: 'r' });
    expect(readReplanDraft(empty, employees, kept).problems).toEqual([
      'steps: a re-plan needs at least one new step',
    ]);
    const typo = JSON.stringify({ replan: true, reasons: 'r', steps: [] });
    expect(readReplanDraft(typo, employees, kept).problems).toContain(
      "plan: unknown key 'reasons' (did you mean 'reason'?)",
    );
  });
});

describe('the submit_plan JSON schema', () => {
  it('is derived from the plan schema and forbids unknown keys at every level', () => {
    const schema = planDraftJsonSchema() as {
      additionalProperties: boolean;
      properties: {
        steps: { items: { additionalProperties: boolean; properties: Record<string, unknown> } };
      };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.steps.items.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.steps.items.properties)).toEqual([
      'id',
      'employee',
      'title',
      'instructions',
      'dependsOn',
      'acceptance',
    ]);
  });
});
