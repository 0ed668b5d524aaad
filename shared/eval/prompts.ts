import { SOLUTION_FILE } from './grading';
import type { HumanEvalProblem } from './humaneval';

/**
 * The task the team gets for a problem: the signature and docstring only. The
 * hidden tests are never part of it, nor of anything an employee can read.
 */
export function teamPrompt(problem: HumanEvalProblem): string {
  return [
    `Write the Python function \`${problem.entry_point}\` in the file ${SOLUTION_FILE}, at the top of the workspace.`,
    'Keep exactly this signature and docstring, and any imports and helper functions shown with it:',
    '',
    '```python',
    problem.prompt.trimEnd(),
    '```',
    '',
    `Also write pytest tests for it in test_${SOLUTION_FILE} and make sure they pass in the sandbox.`,
    'Only the Python standard library is available.',
  ].join('\n');
}

/** The single-call baseline's instructions; the scripted test models recognise its first words. */
export const BASELINE_SYSTEM =
  'Complete the Python function the user gives you. Answer with the whole function, its imports and any helpers in one ```python code block, and nothing else.';

export function baselinePrompt(problem: HumanEvalProblem): string {
  return ['```python', problem.prompt.trimEnd(), '```'].join('\n');
}

/**
 * The code of a chat answer: the fenced block that defines the entry point (else the
 * first fenced block, else the whole answer, as a model that ignores fences writes it).
 */
export function codeOfAnswer(text: string, entryPoint: string): string {
  const blocks = [...text.matchAll(/```[a-zA-Z0-9_+-]*[^\S\n]*\n([\s\S]*?)(?:```|$)/g)].map(
    (m) => m[1] ?? '',
  );
  const defining = blocks.find((b) => new RegExp(`\\bdef\\s+${entryPoint}\\s*\\(`).test(b));
  return defining ?? blocks[0] ?? text;
}
