import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatReport, summarize, wallTimes } from './report';
import type { ProblemResult } from './run-eval';

function result(over: Partial<ProblemResult> & Pick<ProblemResult, 'problem' | 'status'>): ProblemResult {
  return {
    label: over.status,
    teamStatus: 'succeeded',
    hidden: { passed: true, reason: 'passes the hidden tests' },
    tokens: 1_000,
    costMicroUsd: 20_000,
    wallMs: 10_000,
    ...over,
  };
}

const failedButRight = result({
  problem: 'HumanEval/2',
  status: 'failed',
  label: 'failed: StepRejected: QA rejected the step',
  teamStatus: 'failed',
  wallMs: 30_000,
});

const results: ProblemResult[] = [
  result({
    problem: 'HumanEval/0',
    status: 'solved',
    baseline: { passed: true, reason: 'ok', tokens: 100, costMicroUsd: 1_000, wallMs: 1_000, model: 'm' },
  }),
  result({
    problem: 'HumanEval/1',
    status: 'wrong',
    label: 'wrong: an assertion of the hidden tests failed',
    hidden: { passed: false, reason: 'an assertion of the hidden tests failed' },
    wallMs: 20_000,
    baseline: { passed: false, reason: 'no', tokens: 300, costMicroUsd: 3_000, wallMs: 3_000, model: 'm' },
  }),
  failedButRight,
  result({
    problem: 'HumanEval/3',
    status: 'timed_out',
    label: 'timed out after 60 s',
    teamStatus: 'cancelled',
    hidden: { passed: false, reason: 'solution.py was not written' },
    tokens: 5_000,
    wallMs: 60_000,
  }),
];

describe('the eval report', () => {
  it('counts pass@1 on the hidden tests, the done rate on what the team said, and where QA was wrong', () => {
    const { team, baseline, problems } = summarize(results);
    expect(problems).toBe(4);
    expect(team).toMatchObject({
      passAt1: 0.5,
      doneRate: 0.5,
      solved: 2,
      done: 2,
      falseAccepts: 1,
      falseRejects: 1,
      timedOut: 1,
      tokens: 8_000,
      tokensPerSolved: 4_000,
      wall: { p50Ms: 20_000, maxMs: 60_000 },
    });
    expect(team.costPerSolvedUsd).toBeCloseTo(0.04);
    // The baseline is graded over the problems it ran on.
    expect(baseline).toMatchObject({ model: 'm', passAt1: 0.5, solved: 1, tokensPerSolved: 400 });
  });

  it('gives no per-solved figure when nothing was solved, and no baseline when none ran', () => {
    const { team, baseline } = summarize(
      [results[1]!].map((r) => ({ ...r, baseline: undefined }) as ProblemResult),
    );
    expect(team.tokensPerSolved).toBeNull();
    expect(team.costPerSolvedUsd).toBeNull();
    expect(baseline).toBeNull();
    expect(formatReport(summarize([]))).toContain('pass@1');
  });

  it('the median wall time is one a problem really took, never above the max', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1_000_000), { minLength: 1 }), (ms) => {
        const { p50Ms, maxMs } = wallTimes(ms);
        expect(ms).toContain(p50Ms);
        expect(maxMs).toBe(Math.max(...ms));
        expect(ms.filter((x) => x <= p50Ms).length).toBeGreaterThanOrEqual(ms.length / 2);
      }),
    );
  });

  it('prints one row per problem with its status, then team beside baseline', () => {
    const text = formatReport(summarize(results));
    expect(text).toMatch(/HumanEval\/2\s+failed\s+pass\s+—.*failed: StepRejected/);
    expect(text).toMatch(/pass@1\s+50\.0% \(2\/4\)\s+50\.0% \(1\/4\)/);
    expect(text).toMatch(/QA false-accepts\s+1/);
    expect(text).toMatch(/wall p50 \/ max\s+20\.0 s \/ 60\.0 s/);
  });
});
