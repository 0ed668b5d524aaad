import type { FinishTool } from '../../agents/agent-loop';

/** QA's verdict on one Dev round, as `submit_verdict` accepted it. */
export interface Verdict {
  verdict: 'pass' | 'fail';
  findings: string;
  failingTests: string[];
}

export const SUBMIT_VERDICT = 'submit_verdict';

// Spellings a model uses for the same decision; anything else is refused, never guessed.
const SPELLINGS: Record<string, Verdict['verdict']> = {
  pass: 'pass',
  passed: 'pass',
  passes: 'pass',
  fail: 'fail',
  failed: 'fail',
  fails: 'fail',
};

const MAX_FAILING_TESTS = 50;

/** Reads `submit_verdict`'s arguments: a Verdict, or the problem to answer the model with. */
export function acceptVerdict(
  args: Record<string, unknown>,
): { ok: true; value: Verdict } | { ok: false; problem: string } {
  const raw = args.verdict;
  const verdict =
    typeof raw === 'string' ? SPELLINGS[raw.trim().replace(/\.$/, '').toLowerCase()] : undefined;
  if (!verdict) {
    return {
      ok: false,
      problem: `verdict must be "pass" or "fail" (got ${raw === undefined ? 'nothing' : JSON.stringify(raw)})`,
    };
  }
  const findings = typeof args.findings === 'string' ? args.findings.trim() : '';
  if (!findings) {
    return {
      ok: false,
      problem: 'findings must be a non-empty string: what is wrong, or why the work passes',
    };
  }
  const failing = args.failingTests ?? [];
  if (!Array.isArray(failing) || failing.some((t) => typeof t !== 'string')) {
    return { ok: false, problem: 'failingTests must be a list of test names (strings), or left out' };
  }
  return {
    ok: true,
    value: {
      verdict,
      findings,
      failingTests: (failing as string[])
        .map((t) => t.trim())
        .filter(Boolean)
        .slice(0, MAX_FAILING_TESTS),
    },
  };
}

/** `submit_verdict`: the only way QA ends its review (see FinishTool in agents/agent-loop). */
export const submitVerdict: FinishTool = {
  spec: {
    name: SUBMIT_VERDICT,
    description:
      "Submit your verdict on Dev's work and end your review. Call it exactly once, after you have " +
      'read the diff and run the tests (including your probes). "fail" when any acceptance criterion ' +
      'is not met or a test fails; findings then say what is wrong and how to see it, concretely ' +
      '(inputs, expected vs actual), so Dev can fix it without guessing.',
    inputSchema: {
      type: 'object',
      properties: {
        verdict: { type: 'string', enum: ['pass', 'fail'] },
        findings: {
          type: 'string',
          description: 'What is wrong (input, expected, actual), or why the work meets every criterion.',
        },
        failingTests: {
          type: 'array',
          items: { type: 'string' },
          description:
            'Names of the failing tests, e.g. "qa_probes/test_edges.py::test_empty_input"; empty on pass.',
        },
      },
      required: ['verdict', 'findings'],
      additionalProperties: false,
    },
  },
  accept: acceptVerdict,
};
