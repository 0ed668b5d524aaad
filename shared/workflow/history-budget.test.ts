import { describe, expect, it } from 'vitest';
import type { Plan, PlanStep } from '../domain';
import type { TaskStateName } from './definition';
import { LocalWorkflowEngine, type TaskStateHandler } from './engines/local-engine';
import { HISTORY_EVENT_LIMIT } from './execution-limits';
import {
  type BudgetAssumptions,
  fixedEvents,
  planHistoryEvents,
  replanEvents,
  stepEvents,
  WORST_CASE,
} from './history-budget';
import { planProblems } from './plan-waves';
import { readReplanDraft } from './states/plan-draft';

const TEAM = ['researcher', 'dev', 'qa'];
const step = (id: string, employee: string, dependsOn: string[] = []): PlanStep => ({
  id,
  employee,
  title: id,
  instructions: `do ${id}`,
  dependsOn,
  acceptance: '',
});
const serialDevSteps = (n: number): Plan => ({
  summary: '',
  steps: Array.from({ length: n }, (_, k) => step(`s${k}`, 'dev', k ? [`s${k - 1}`] : [])),
});

/**
 * Runs the plan's shape in the local engine with handlers that behave as `a` says (each turn
 * continues until its last invocation, QA passes in the last round), and answers the events counted.
 */
async function countedRun(plan: Plan, waves: string[][], a: BudgetAssumptions): Promise<number> {
  const employeeOf = new Map(plan.steps.map((s) => [s.id, s.employee]));
  const calls = new Map<string, number>();
  const turn = (key: string) => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return n < a.invocations;
  };
  type Input = { stepId: string; round: number };
  const handlers: Record<TaskStateName, TaskStateHandler> = {
    PlanTask: async () => ({ needsApproval: a.approval }),
    RequestApproval: async () => ({}),
    StartRun: async () => ({ waves }),
    StartStep: async (input) => {
      const employee = employeeOf.get((input as Input).stepId);
      const loop = employee === 'dev' ? 'dev' : employee === 'qa' ? 'review' : 'single';
      return { done: false, loop, round: 1, maxRounds: loop === 'review' ? 1 : a.rounds };
    },
    RunEmployee: async (input) => ({ continue: turn(`run:${(input as Input).stepId}`) }),
    DevAttempt: async (input) => {
      const { stepId, round } = input as Input;
      return { round, continue: turn(`dev:${stepId}:${round}`) };
    },
    QAReview: async (input) => {
      const { stepId, round } = input as Input;
      const more = turn(`qa:${stepId}:${round}`);
      const last = employeeOf.get(stepId) === 'qa' ? 1 : a.rounds;
      return { passed: !more && round >= last, continue: more };
    },
    RejectStep: async () => ({}),
    Replan: async () => ({}),
    Synthesize: async () => ({}),
    FinalizeTask: async () => ({}),
    MarkTaskFailed: async () => ({}),
  };
  const engine = new LocalWorkflowEngine(handlers, { retryIntervalMs: 0 });
  const { executionId } = await engine.start({ tenantId: 't1', taskId: '01task' });
  await engine.idle();
  if (a.approval) {
    await engine.sendTaskSuccess(`local-token:${executionId}`, { decision: 'approved' });
    await engine.idle();
  }
  expect(calls.size).toBeGreaterThan(0);
  return engine.historyEvents(executionId);
}

describe('the history budget of a plan', () => {
  const plan: Plan = {
    summary: '',
    steps: [
      step('a', 'dev'),
      step('b', 'researcher', ['a']),
      step('c', 'qa', ['a']),
      step('d', 'dev', ['b', 'c']),
    ],
  };
  const waves = [['a'], ['b', 'c'], ['d']];

  it('is what the engine counts for a run of that shape: every round, every continue loop, the gate', async () => {
    for (const a of [
      { rounds: 1, invocations: 1, retries: 0, approval: false },
      { rounds: 3, invocations: 2, retries: 0, approval: true },
    ]) {
      expect(await countedRun(plan, waves, a)).toBe(planHistoryEvents(plan, a));
    }
  });

  it('prints the figures the limits are documented with', () => {
    const expected = { rounds: 3, invocations: 1, retries: 0, approval: true };
    const perStep = (x: BudgetAssumptions) => stepEvents({ employee: 'dev' }, x) + 6;
    const fits = (x: BudgetAssumptions) => Math.floor((HISTORY_EVENT_LIMIT - fixedEvents(x)) / perStep(x));
    console.log(
      `history budget: 20 serial dev steps, 3 rounds, one invocation per turn, no retries: ${planHistoryEvents(serialDevSteps(20), expected)} events; ` +
        `at most ${fits(expected)} such steps. Worst case budgeted (3 rounds, ${WORST_CASE.invocations} invocations per turn, 1 retry per state): ` +
        `${perStep(WORST_CASE)} per dev step, ${fits(WORST_CASE)} serial dev steps; a re-plan adds ${replanEvents()} before its steps`,
    );
    expect(fits(WORST_CASE)).toBeGreaterThan(20);
  });

  it('refuses a plan that may not fit in 25,000 events, naming the limit, and accepts the largest that does', () => {
    const perStep = stepEvents({ employee: 'dev' }) + 6;
    const most = Math.floor((HISTORY_EVENT_LIMIT - fixedEvents()) / perStep);
    expect(planProblems(serialDevSteps(most), TEAM)).toEqual([]);
    const problems = planProblems(serialDevSteps(most + 1), TEAM);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'too_large' });
    expect(problems[0]?.message).toMatch(/over Step Functions' limit of 25,000 per execution/);
    expect(problems[0]?.message).toMatch(/use fewer, larger steps/);
  });

  it('counts what the first run used against a re-plan: new steps that fit alone may not fit after it', () => {
    const perStep = stepEvents({ employee: 'dev' }) + 6;
    const most = Math.floor((HISTORY_EVENT_LIMIT - fixedEvents()) / perStep);
    const answer = (n: number) =>
      JSON.stringify({
        replan: true,
        reason: 'the parser failed',
        steps: serialDevSteps(n).steps.map((s) => ({
          ...s,
          id: `new-${s.id}`,
          dependsOn: s.dependsOn.map((d) => `new-${d}`),
        })),
      });
    const spent = planHistoryEvents(serialDevSteps(most - 10)) + replanEvents();
    expect(readReplanDraft(answer(5), TEAM, [], 0).problems).toEqual([]);
    expect(readReplanDraft(answer(5), TEAM, [], spent).plan).toBeDefined();
    const refused = readReplanDraft(answer(20), TEAM, [], spent);
    expect(refused.plan).toBeUndefined();
    expect(refused.problems.join()).toMatch(/already used before the re-plan/);
  });
});
