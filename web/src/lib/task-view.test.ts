import { describe, expect, it } from 'vitest';
import { applyEvents, initialView, usd } from './task-view';
import type { TaskDetail, TaskEvent } from './types';

let n = 0;
const e = (body: Record<string, unknown>): TaskEvent =>
  ({
    id: `01J${String(++n).padStart(23, '0')}`,
    taskId: 't',
    at: '2026-12-01T00:00:00Z',
    ...body,
  }) as TaskEvent;

const detail: TaskDetail = {
  task: {
    id: 't',
    title: 'Slugify',
    prompt: 'p',
    status: 'queued',
    preference: 'balanced',
    requireApproval: false,
    stepCount: 0,
    stepsDone: 0,
    totals: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costMicroUsd: 0 },
    createdAt: '',
    updatedAt: '',
  },
  plan: null,
  steps: [],
};
const plan = {
  summary: 's',
  steps: [
    { id: 'write', employee: 'dev', title: 'Write', instructions: 'i', dependsOn: [], acceptance: '' },
    {
      id: 'docs',
      employee: 'researcher',
      title: 'Docs',
      instructions: 'i',
      dependsOn: ['write'],
      acceptance: '',
    },
  ],
};

describe('the task view folded from the event log', () => {
  it('tracks step states, folds tool results into their calls, and sums cost by employee and model', () => {
    const events = [
      e({ type: 'plan_made', plan, provider: 'demo', model: 'demo-1' }),
      e({ type: 'status_changed', from: 'planning', to: 'running' }),
      e({ type: 'step_started', stepId: 'write', employee: 'dev', title: 'Write', index: 0, total: 2 }),
      e({
        type: 'tool_call',
        stepId: 'write',
        employee: 'dev',
        callId: 'c1',
        tool: 'workspace.write',
        arguments: { path: 'a.py' },
      }),
      e({
        type: 'tool_result',
        stepId: 'write',
        employee: 'dev',
        callId: 'c1',
        tool: 'workspace.write',
        ok: true,
        output: 'wrote a.py',
      }),
      e({
        type: 'usage',
        employee: 'dev',
        provider: 'demo',
        model: 'demo-1',
        inputTokens: 10,
        outputTokens: 5,
        cachedInputTokens: 0,
        costMicroUsd: 700,
      }),
      e({
        type: 'usage',
        employee: 'qa',
        provider: 'demo',
        model: 'demo-1',
        inputTokens: 4,
        outputTokens: 1,
        cachedInputTokens: 0,
        costMicroUsd: 300,
      }),
      e({
        type: 'sandbox_run',
        employee: 'qa',
        command: 'pytest',
        isolation: 'bwrap',
        exitCode: 1,
        durationMs: 80,
        tests: { passed: 3, failed: 1, errors: 0 },
      }),
      e({
        type: 'verdict',
        stepId: 'write',
        employee: 'qa',
        round: 1,
        passed: false,
        findings: 'empty input',
      }),
      e({ type: 'step_finished', stepId: 'write', employee: 'dev', outcome: 'succeeded', summary: 'ok' }),
    ];
    const view = applyEvents(initialView(detail), events);
    expect(view.status).toBe('running');
    expect(view.stepStates).toEqual({ write: 'succeeded', docs: 'pending' });
    expect(view.conversation.map((c) => c.kind)).toEqual(['tool', 'sandbox', 'verdict']);
    expect(view.conversation[0]).toMatchObject({
      tool: 'workspace.write',
      result: { ok: true, output: 'wrote a.py' },
    });
    expect(view.totalMicroUsd).toBe(1_000);
    expect(view.costByEmployee.map((l) => [l.key, l.costMicroUsd])).toEqual([
      ['dev', 700],
      ['qa', 300],
    ]);
    expect(view.costByModel).toEqual([
      { key: 'demo/demo-1', costMicroUsd: 1_000, inputTokens: 14, outputTokens: 6 },
    ]);
    expect(view.providers).toEqual(['demo']);
  });

  it('draws the same page whether the events come at once or one by one, and skips one seen before', () => {
    const events = [
      e({ type: 'plan_made', plan, provider: 'demo', model: 'demo-1' }),
      e({ type: 'message', employee: 'dev', provider: 'demo', model: 'demo-1', text: 'hello' }),
      e({ type: 'task_finished', status: 'cancelled' }),
    ];
    const atOnce = applyEvents(initialView(detail), events);
    let oneByOne = initialView(detail);
    for (const ev of [...events, events[1]!]) oneByOne = applyEvents(oneByOne, [ev]);
    expect(oneByOne).toEqual(atOnce);
    expect(atOnce.status).toBe('cancelled');
    expect(atOnce.conversation.filter((c) => c.kind === 'message')).toHaveLength(1);
  });

  it('shows money in dollars, with more places below a cent', () => {
    expect(usd(1_234_567)).toBe('$1.23');
    expect(usd(1_200)).toBe('$0.0012');
    expect(usd(0)).toBe('$0.00');
  });
});
