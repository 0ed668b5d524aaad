import { describe, expect, it } from 'vitest';
import type { Task } from '../domain';
import type { Sandbox } from '../sandbox';
import type { HumanEvalProblem } from './humaneval';
import { type EvalTeam, runHumanEval } from './run-eval';

const problems: HumanEvalProblem[] = [0, 1, 2].map((i) => ({
  task_id: `HumanEval/${i}`,
  prompt: `def f${i}():\n    """Doc."""\n`,
  entry_point: `f${i}`,
  canonical_solution: '    return 1\n',
  test: 'def check(candidate):\n    assert candidate() == 1\n',
}));

// No fake writes solution.py, so grading never needs a sandbox here (the int tests use the real one).
const noSandbox: Sandbox = {
  isolation: 'none',
  run: () => Promise.reject(new Error('the sandbox is not used in these tests')),
};

function task(id: string, status: Task['status'], extra: Partial<Task> = {}): Task {
  return {
    tenantId: 'local',
    id,
    title: id,
    prompt: 'p',
    status,
    preference: 'balanced',
    requireApproval: false,
    stepCount: 1,
    stepsDone: 0,
    totals: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0, costMicroUsd: 7 },
    createdAt: '',
    updatedAt: '',
    ...extra,
  };
}

/** A team whose task for problem i behaves as `behaviour[i]` says; it records submits and cancels. */
function fakeTeam(behaviour: ('succeeds' | 'fails' | 'hangs' | 'unreachable')[]) {
  const submitted: { title: string; budgetUsd?: number }[] = [];
  const cancelled: string[] = [];
  const team: EvalTeam = {
    submit: async (input) => {
      const i = submitted.length;
      submitted.push(input);
      if (behaviour[i] === 'unreachable') throw new Error('connection refused');
      return `t${i}`;
    },
    task: async (id) => {
      const i = Number(id.slice(1));
      if (cancelled.includes(id)) return task(id, 'cancelled');
      if (behaviour[i] === 'succeeds') return task(id, 'succeeded');
      if (behaviour[i] === 'fails')
        return task(id, 'failed', { failure: { code: 'StepRejected', message: 'QA rejected the step' } });
      return task(id, 'running');
    },
    cancel: async (id) => {
      cancelled.push(id);
    },
    files: async () => ({}),
  };
  return { team, submitted, cancelled };
}

describe('running problems through a team', () => {
  it('ends every problem with a clear status: a hung task is cancelled at the deadline, never "succeeded"', async () => {
    const { team, cancelled } = fakeTeam(['succeeds', 'hangs', 'fails']);
    const started = Date.now();
    const results = await runHumanEval({
      problems,
      team,
      sandbox: noSandbox,
      concurrency: 3,
      deadlineMs: 300,
      pollMs: 10,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(results.map((r) => [r.problem, r.status, r.label])).toEqual([
      ['HumanEval/0', 'wrong', 'wrong: solution.py was not written'],
      ['HumanEval/1', 'timed_out', 'timed out after 0.3 s'],
      ['HumanEval/2', 'failed', 'failed: StepRejected: QA rejected the step'],
    ]);
    expect(cancelled).toEqual(['t1']);
    expect(results[1]).toMatchObject({ teamStatus: 'cancelled', tokens: 15, costMicroUsd: 7 });
  });

  it('reports a task the harness could not submit as failed, naming why, and goes on', async () => {
    const { team } = fakeTeam(['unreachable', 'fails']);
    const results = await runHumanEval({
      problems: problems.slice(0, 2),
      team,
      sandbox: noSandbox,
      concurrency: 1,
      deadlineMs: 1_000,
      pollMs: 10,
    });
    expect(results[0]).toMatchObject({
      status: 'failed',
      teamStatus: 'not submitted',
      label: 'failed: the harness could not run the task: connection refused',
    });
    expect(results[1]?.status).toBe('failed');
  });

  it('on interrupt starts no new problem, cancels the one in flight and reports it as failed', async () => {
    const { team, submitted, cancelled } = fakeTeam(['hangs', 'hangs', 'hangs']);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const results = await runHumanEval({
      problems,
      team,
      sandbox: noSandbox,
      concurrency: 1,
      deadlineMs: 60_000,
      pollMs: 10,
      signal: stop.signal,
    });
    expect(submitted).toHaveLength(1);
    expect(cancelled).toEqual(['t0']);
    expect(results.map((r) => [r.problem, r.status, r.label])).toEqual([
      ['HumanEval/0', 'failed', 'failed: the eval was interrupted and the task cancelled'],
    ]);
  });

  it('splits the budget evenly: each task gets its share less what its baseline call spent', async () => {
    const { team, submitted } = fakeTeam(['fails', 'fails', 'fails']);
    const results = await runHumanEval({
      problems,
      team,
      baseline: {
        complete: async (_p, { budgetUsd }) => {
          expect(budgetUsd).toBeCloseTo(1);
          return { text: '', tokens: 50, costMicroUsd: 250_000, model: 'x/m' };
        },
      },
      sandbox: noSandbox,
      concurrency: 1,
      deadlineMs: 1_000,
      budgetUsd: 3,
    });
    expect(submitted.map((s) => s.budgetUsd)).toEqual([0.75, 0.75, 0.75]);
    expect(results[0]?.baseline).toMatchObject({ passed: false, reason: 'the answer was empty', tokens: 50 });
  });
});
