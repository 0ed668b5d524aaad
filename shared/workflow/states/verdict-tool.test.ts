import { describe, expect, it } from 'vitest';
import { acceptVerdict, submitVerdict } from './verdict-tool';

// Arguments as a model sends them: JSON text the gateway parsed into an object.
const call = (json: string) => acceptVerdict(JSON.parse(json) as Record<string, unknown>);

describe('submit_verdict', () => {
  it.each([
    ['braces in the findings', '{"verdict":"pass","findings":"returns {\\"a\\": 1} for a=1 {ok}"}', 'pass'],
    ['upper case', '{"verdict":"PASS","findings":"all criteria met"}', 'pass'],
    ['a past tense', '{"verdict":"passed","findings":"all criteria met"}', 'pass'],
    ['a capital', '{"verdict":"Fail","findings":"the empty string raises"}', 'fail'],
    ['spaces and a full stop', '{"verdict":" Failed. ","findings":"the empty string raises"}', 'fail'],
  ])('reads a verdict with %s', (_, json, expected) => {
    const read = call(json);
    expect(read).toMatchObject({ ok: true, value: { verdict: expected } });
  });

  it('keeps findings whole and the failing tests it names', () => {
    const read = call(
      '{"verdict":"fail","findings":"slugify(\\"a--b\\") gives \\"a--b\\", expected \\"a-b\\"","failingTests":["qa_probes/test_edges.py::test_runs", " "]}',
    );
    expect(read).toEqual({
      ok: true,
      value: {
        verdict: 'fail',
        findings: 'slugify("a--b") gives "a--b", expected "a-b"',
        failingTests: ['qa_probes/test_edges.py::test_runs'],
      },
    });
  });

  it.each([
    [{ findings: 'looks fine' }, /verdict must be "pass" or "fail" \(got nothing\)/],
    [{ verdict: 'maybe', findings: 'unsure' }, /verdict must be "pass" or "fail" \(got "maybe"\)/],
    [{ verdict: true, findings: 'ok' }, /verdict must be "pass" or "fail" \(got true\)/],
    [{ verdict: 'pass' }, /findings must be a non-empty string/],
    [{ verdict: 'fail', findings: '   ' }, /findings must be a non-empty string/],
    [{ verdict: 'fail', findings: 'x', failingTests: 'test_a' }, /failingTests must be a list/],
    [{ verdict: 'fail', findings: 'x', failingTests: [1] }, /failingTests must be a list/],
  ])('refuses %j with a problem naming the field', (args, problem) => {
    const read = acceptVerdict(args);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problem).toMatch(problem);
  });

  it('offers the model exactly the contract: pass or fail, findings, optional failing tests', () => {
    expect(submitVerdict.spec.name).toBe('submit_verdict');
    expect(submitVerdict.spec.inputSchema).toMatchObject({
      required: ['verdict', 'findings'],
      properties: { verdict: { enum: ['pass', 'fail'] }, failingTests: { type: 'array' } },
    });
  });
});
