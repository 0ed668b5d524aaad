import { describe, expect, it } from 'vitest';
import { parseNodeTap, parsePytest } from './test-summary';

const PYTEST = `.FsFE                                                                    [100%]
=========================== short test summary info ============================
FAILED test_a.py::test_bad - assert 1 == 2
FAILED test_a.py::TestK::test_m - assert False
ERROR test_a.py::test_err - RuntimeError: x
2 failed, 1 passed, 1 skipped, 1 error in 0.02s
`;

const TAP = `TAP version 13
# Subtest: adds
ok 1 - adds
# Subtest: fails
not ok 2 - fails
  ---
  failureType: 'testCodeFailure'
  ...
# Subtest: group
    # Subtest: inner bad
    not ok 1 - inner bad
      ---
      failureType: 'testCodeFailure'
      ...
    # Subtest: inner ok
    ok 2 - inner ok
    1..2
not ok 3 - group
  ---
  failureType: 'subtestsFailed'
  ...
# Subtest: skipme
ok 4 - skipme # SKIP
# Subtest: /work/b.test.js
not ok 5 - /work/b.test.js
  ---
  failureType: 'testCodeFailure'
  exitCode: 1
  ...
1..5
# tests 6
# suites 1
# pass 2
# fail 3
# cancelled 0
# skipped 1
`;

describe('test summaries', () => {
  it('reads pytest counts and the failing test ids', () => {
    expect(parsePytest(PYTEST)).toEqual({
      passed: 1,
      failed: 2,
      errors: 1,
      skipped: 1,
      failing: ['test_a.py::test_bad', 'test_a.py::TestK::test_m', 'test_a.py::test_err'],
    });
  });

  it('reads a pytest run where everything passed', () => {
    expect(parsePytest('...\n3 passed in 0.01s\n')).toEqual({
      passed: 3,
      failed: 0,
      errors: 0,
      skipped: 0,
      failing: [],
    });
  });

  it('reads node --test TAP: leaf failures named with their suite, a broken file as an error', () => {
    expect(parseNodeTap(TAP)).toEqual({
      passed: 2,
      failed: 2,
      errors: 1,
      skipped: 1,
      failing: ['fails', 'group > inner bad', 'b.test.js'],
    });
  });

  it('gives zeros for output that is not a test report', () => {
    expect(parseNodeTap('hello')).toEqual({ passed: 0, failed: 0, errors: 0, skipped: 0, failing: [] });
    expect(parsePytest('hello')).toEqual({ passed: 0, failed: 0, errors: 0, skipped: 0, failing: [] });
  });
});
