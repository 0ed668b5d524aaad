import { describe, expect, it } from 'vitest';
import type { RecordedRequest } from '../../shared/testing/fake-openai-server';
import { modelCalls } from './model-calls';
import { amortizedOverhead, perStepGaps } from './overhead';
import { benchPlanJson, benchSteps } from './plan-shapes';

const request = (receivedAt: number, user: string): RecordedRequest => ({
  method: 'POST',
  path: '/v1/chat/completions',
  headers: {},
  body: {
    messages: [
      { role: 'system', content: 'You are the Researcher.' },
      { role: 'user', content: user },
    ],
  },
  receivedAt,
});

describe('the workflow bench’s arithmetic', () => {
  it('plans a chain where each step depends on the one before, and a wide plan with none', () => {
    expect(benchSteps('chain').map((s) => s.dependsOn)).toEqual([
      [],
      ...benchSteps('chain')
        .slice(0, -1)
        .map((s) => [s.id]),
    ]);
    expect(benchSteps('wide').every((s) => s.dependsOn.length === 0)).toBe(true);
    expect(JSON.parse(benchPlanJson('chain')).steps).toHaveLength(20);
  });

  it('reads the step from the prompt, marks a step’s first call, and leaves the planner and synthesis unnamed', () => {
    const calls = modelCalls([
      request(0, 'Workflow bench: chain'),
      request(10, 'Answer at once for step s1.\nStep: Bench step s1'),
      request(12, 'Answer at once for step s1.\nStep: Bench step s1'),
      request(30, 'Answer at once for step s2.\n## s1\nok'),
      request(45, 'Summarise.\nAnswer at once for step s1.\nAnswer at once for step s2.'),
    ]);
    expect(calls.map((c) => [c.stepId, c.first])).toEqual([
      [undefined, false],
      ['s1', true],
      ['s1', false],
      ['s2', true],
      [undefined, false],
    ]);
    // A step's second turn is neither the next step nor the synthesis.
    expect(perStepGaps(calls, ['s1', 's2'])).toEqual([10, 20]);
    expect(amortizedOverhead(calls, 2)).toBe(22.5);
  });

  it('gives each chain step the time from the call before it to its own, and the execute phase per step', () => {
    const calls = [
      { stepId: undefined, first: false, at: 100 },
      { stepId: 's1', first: true, at: 130 },
      { stepId: 's2', first: true, at: 150 },
      { stepId: undefined, first: false, at: 190 },
    ];
    expect(perStepGaps(calls, ['s1', 's2'])).toEqual([30, 20]);
    expect(amortizedOverhead(calls, 2)).toBe(45);
    // Without a synthesis call the phase ends at the given end.
    expect(amortizedOverhead(calls.slice(0, 3), 2, 200)).toBe(50);
  });

  it('refuses a run in which a step made no call', () => {
    expect(() => perStepGaps([{ stepId: undefined, first: false, at: 0 }], ['s1'])).toThrow(/step s1/);
  });
});
