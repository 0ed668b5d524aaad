import { randomBytes } from 'node:crypto';
import { type JobResult, limitLabel, type Sandbox, type SandboxLimits, WorkspaceTooLarge } from '../sandbox';
import type { HumanEvalProblem } from './humaneval';

/** The file the team is asked to write, and the one graded. */
export const SOLUTION_FILE = 'solution.py';
const GRADER_FILE = '__humaneval_grader__.py';

/**
 * HumanEval's own harness gave each program 3 s; these are looser because a loaded
 * 2-core box runs several jobs at once, and tight enough that a loop ends quickly.
 */
export const GRADING_LIMITS: Partial<SandboxLimits> = { wallMs: 15_000, cpuSeconds: 10 };

export interface Grade {
  /** The files pass the hidden tests. */
  passed: boolean;
  /** Why not (or 'passes the hidden tests'), in words a person can act on. */
  reason: string;
  /** The sandbox limit that ended the grading run, if one did. */
  limit?: string;
}

const py = (s: string) => JSON.stringify(s); // a JSON string is a valid Python string literal

/**
 * The grading program: the problem's prompt first (its imports and helpers, as in
 * HumanEval's harness), then the solution's names over it, then `check(candidate)`.
 * It prints a nonce only when every assertion held, so a solution that exits 0
 * early, or prints "passed", is not mistaken for a pass.
 */
function graderProgram(problem: HumanEvalProblem, nonce: string): string {
  return `import importlib, sys, traceback
ns = {}
try:
    exec(compile(${py(problem.prompt)}, "<problem prompt>", "exec"), ns)
except BaseException:
    pass
try:
    solution = importlib.import_module(${py(SOLUTION_FILE.replace(/\.py$/, ''))})
except BaseException as e:
    print("solution.py cannot be imported: %s%s" % (type(e).__name__, ": %s" % e if str(e) else ""), file=sys.stderr)
    sys.exit(3)
candidate = getattr(solution, ${py(problem.entry_point)}, None)
if not callable(candidate):
    print("solution.py defines no function ${problem.entry_point}", file=sys.stderr)
    sys.exit(4)
ns.update({k: v for k, v in vars(solution).items() if not k.startswith("__")})
try:
    exec(compile(${py(problem.test)}, "<hidden tests>", "exec"), ns)
    ns["check"](candidate)
except AssertionError:
    traceback.print_exc()
    print("an assertion of the hidden tests failed", file=sys.stderr)
    sys.exit(1)
except BaseException as e:
    traceback.print_exc()
    print("the hidden tests raised %s%s" % (type(e).__name__, ": %s" % e if str(e) else ""), file=sys.stderr)
    sys.exit(2)
print(${py(nonce)})
`;
}

/** The last line of stderr, which the grading program writes as the reason. */
function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.slice(0, 300) ?? '';
}

function gradeOf(result: JobResult, nonce: string): Grade {
  if (result.limit) {
    return {
      passed: false,
      reason: `killed by the sandbox's ${limitLabel(result.limit)} limit`,
      limit: result.limit,
    };
  }
  if (result.exitCode === 0 && result.stdout.trimEnd().endsWith(nonce)) {
    return { passed: true, reason: 'passes the hidden tests' };
  }
  if (result.exitCode === 0)
    return { passed: false, reason: 'the program exited before the hidden tests ran' };
  return { passed: false, reason: lastLine(result.stderr) || `the grading run exited ${result.exitCode}` };
}

/**
 * Grades a workspace (path → text) against the problem's hidden tests, in the
 * sandbox: `solution.py` must define the entry point, and `check(candidate)` must hold.
 */
export async function gradeFiles(
  sandbox: Sandbox,
  problem: HumanEvalProblem,
  files: Record<string, string>,
  limits: Partial<SandboxLimits> = GRADING_LIMITS,
): Promise<Grade> {
  if (files[SOLUTION_FILE] === undefined) {
    return { passed: false, reason: `${SOLUTION_FILE} was not written` };
  }
  const nonce = `humaneval-passed-${randomBytes(12).toString('hex')}`;
  try {
    const result = await sandbox.run({
      runtime: 'python',
      files: { ...files, [GRADER_FILE]: graderProgram(problem, nonce) },
      command: ['python', GRADER_FILE],
      limits,
    });
    return gradeOf(result, nonce);
  } catch (e) {
    if (e instanceof WorkspaceTooLarge) return { passed: false, reason: e.message };
    throw e;
  }
}

/**
 * A single completion's code, graded the way HumanEval grades one: appended to the
 * prompt, so a bare body continues the function and a whole function replaces it.
 */
export function gradeCompletion(sandbox: Sandbox, problem: HumanEvalProblem, code: string): Promise<Grade> {
  return gradeFiles(sandbox, problem, { [SOLUTION_FILE]: `${problem.prompt}\n${code}\n` });
}
