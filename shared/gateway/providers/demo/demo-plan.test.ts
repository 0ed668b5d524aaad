import { describe, expect, it } from 'vitest';
import { demoPlan } from './demo-provider';

const RECALL = [
  '',
  "## What the team knows (the tenant's documents and past tasks; cite them as [name#position])",
  '### [task:tsk_1#0] (memory)',
  'Write a slugify function with tests',
].join('\n');

describe("the demo model's plan", () => {
  it("plans the sample the task names, whatever the team's memory recalls", () => {
    const plan = demoPlan(['Write a CSV-to-JSON converter with tests', RECALL].join('\n'));
    expect(plan.steps.map((s) => s.id)).toEqual(['requirements', 'implement']);
    expect(plan.summary).toContain('CSV-to-JSON');
  });

  it('does not take a sample from a recalled memory for a task that is not one', () => {
    const plan = demoPlan(['Port our billing system to Rust', RECALL].join('\n'));
    expect(plan.steps.map((s) => s.id)).toEqual(['explain']);
    expect(plan.summary).toMatch(/^\[demo\]/);
  });
});
