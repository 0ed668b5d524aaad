import { describe, expect, it } from 'vitest';
import { devRoundBrief, failingProbes } from './round-briefs';
import { resumeRound } from './step-gates';

describe("Dev's brief for its next round", () => {
  const probes = {
    'qa_probes/test_edges.py': 'def test_empty():\n    assert f("") == ""\n',
    'qa_probes/test_unicode.py': 'def test_accents():\n    assert f("é") == "e"\n',
  };

  it('shows the probes the failing tests name, by file or by test name', () => {
    expect(failingProbes(probes, ['qa_probes/test_edges.py::test_empty']).map(([p]) => p)).toEqual([
      'qa_probes/test_edges.py',
    ]);
    expect(failingProbes(probes, ['test_accents']).map(([p]) => p)).toEqual(['qa_probes/test_unicode.py']);
    // Names that match no probe (Dev's own tests failed): every probe, so Dev sees what QA checks.
    expect(failingProbes(probes, ['test_slugify.py::test_x'])).toHaveLength(2);
  });

  it('is only the round line in round one', () => {
    expect(devRoundBrief({ round: 1, maxRounds: 3, previous: undefined, probes, diff: 'd' })).toEqual([
      '',
      'Round 1 of 3.',
    ]);
  });
});

describe('the round a resumed dev step goes on from', () => {
  it('is the next round after a reviewed one, the same round when QA never saw it, else round one', () => {
    expect(resumeRound(undefined)).toBe(1);
    expect(resumeRound({ stepId: 's', status: 'running', output: '' })).toBe(1);
    expect(resumeRound({ stepId: 's', status: 'failed', output: 'r', round: 3, reviewedRound: 3 })).toBe(4);
    expect(resumeRound({ stepId: 's', status: 'running', output: 'r', round: 2, reviewedRound: 1 })).toBe(2);
  });
});
