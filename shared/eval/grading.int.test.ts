import { afterAll, describe, expect, it } from 'vitest';
import { LocalSandbox } from '../sandbox';
import { gradeCompletion, gradeFiles } from './grading';
import { loadHumanEval, resolveDataPath } from './humaneval';

const [first, second] = await loadHumanEval(resolveDataPath());
const problem = first!;
const sandbox = new LocalSandbox({ isolation: 'bwrap' });
afterAll(() => sandbox.close());

const solution = (body: string) => ({ 'solution.py': `${problem.prompt}${body}` });

describe('grading a solution against the hidden tests, in the sandbox', () => {
  it('passes the canonical solution, with the helpers and tests of the workspace beside it', async () => {
    const files = {
      ...solution(problem.canonical_solution),
      'test_solution.py': 'def test_x():\n    assert True\n',
    };
    expect(await gradeFiles(sandbox, problem, files)).toEqual({
      passed: true,
      reason: 'passes the hidden tests',
    });
    const other = second!;
    const grade = await gradeFiles(sandbox, other, {
      'solution.py': other.prompt + other.canonical_solution,
    });
    expect(grade.passed).toBe(true);
  });

  it('fails a wrong solution, saying an assertion of the hidden tests failed', async () => {
    const grade = await gradeFiles(sandbox, problem, solution('    return True\n'));
    expect(grade).toMatchObject({ passed: false, reason: 'an assertion of the hidden tests failed' });
  });

  it('kills a solution that loops forever at the sandbox limit and grades it wrong', async () => {
    const grade = await gradeFiles(sandbox, problem, solution('    while True:\n        pass\n'), {
      wallMs: 3_000,
      cpuSeconds: 2,
    });
    expect(grade.passed).toBe(false);
    expect(['cpuSeconds', 'wallMs']).toContain(grade.limit);
    expect(grade.reason).toMatch(/killed by the sandbox's (CPU time|wall-clock time) limit/);
  });

  it('says what is missing: no solution.py, no such function, a file that does not import', async () => {
    expect(await gradeFiles(sandbox, problem, { 'main.py': 'x = 1\n' })).toEqual({
      passed: false,
      reason: 'solution.py was not written',
    });
    expect(await gradeFiles(sandbox, problem, { 'solution.py': 'def other():\n    pass\n' })).toMatchObject({
      passed: false,
      reason: `solution.py defines no function ${problem.entry_point}`,
    });
    expect(await gradeFiles(sandbox, problem, { 'solution.py': 'def broken(:\n' })).toMatchObject({
      passed: false,
      reason: expect.stringMatching(/^solution\.py cannot be imported: SyntaxError/),
    });
  });

  it('is not fooled by a solution that exits 0 or prints a pass before the tests run', async () => {
    const exits = await gradeFiles(sandbox, problem, {
      'solution.py': 'import os\nprint("passed")\nos._exit(0)\n',
    });
    expect(exits).toMatchObject({ passed: false, reason: 'the program exited before the hidden tests ran' });
  });

  it('grades a single completion appended to the prompt: a bare body or a whole function', async () => {
    expect((await gradeCompletion(sandbox, problem, problem.canonical_solution)).passed).toBe(true);
    const whole = `${problem.prompt}${problem.canonical_solution}`;
    expect((await gradeCompletion(sandbox, problem, whole)).passed).toBe(true);
    expect((await gradeCompletion(sandbox, problem, '    return None\n')).passed).toBe(false);
  });
});
