import { clipOutput } from '../../agents/clip';
import type { StepResult } from '../../domain';
import { QA_SCRATCH } from './step-workspace';

/**
 * What each side of a Dev/QA round is told beyond the step itself: Dev's next round carries
 * everything QA learnt (its findings, the failing tests and their output, the probes that fail)
 * with Dev's own last report and the diff so far; QA is told how to review.
 */

const MAX_SECTION = 6_000;
const MAX_PROBES = 8_000;

/** A long section of a brief, head and tail kept, the cut said in the middle. */
const clipText = (text: string, max = MAX_SECTION) => clipOutput(text, max, { headShare: 0.6 });

/** The probes worth showing: those the failing tests name (or mention), else all of them. */
export function failingProbes(
  probes: Record<string, string>,
  failingTests: readonly string[],
): [string, string][] {
  const named = Object.entries(probes).filter(([path, content]) =>
    failingTests.some((t) => {
      const [file, name] = t.includes('::') ? [t.split('::')[0]!, t.split('::').at(-1)!] : ['', t];
      return (file && path.endsWith(file.replace(/^\.\//, ''))) || (name && content.includes(name));
    }),
  );
  return named.length ? named : Object.entries(probes);
}

export interface DevRoundInput {
  round: number;
  maxRounds: number;
  /** The step's stored result: Dev's last report and QA's review of it. */
  previous: StepResult | undefined;
  /** QA's probe files, path → content. */
  probes: Record<string, string>;
  /** The diff of the step so far. */
  diff: string;
}

export function devRoundBrief({ round, maxRounds, previous, probes, diff }: DevRoundInput): string[] {
  if (round === 1) return ['', `Round 1 of ${maxRounds}.`];
  const reviewed = previous?.reviewedRound ?? round - 1;
  const lines = [
    '',
    `Round ${round} of ${maxRounds}. QA rejected your attempt of round ${reviewed}. Fix what QA found;`,
    "keep what works. Your own tests may pass while QA's probes fail: then your tests miss a case.",
    '',
    `## Your report of round ${reviewed}`,
    clipText(previous?.output || '(no report)'),
    '',
    "## QA's findings",
    previous?.findings || '(QA gave no findings)',
  ];
  const failing = previous?.failingTests ?? [];
  if (failing.length) lines.push('', '## Tests QA saw fail', ...failing.map((t) => `- ${t}`));
  if (previous?.testOutput) lines.push('', "## Output of QA's last test run", clipText(previous.testOutput));
  const shown = failingProbes(probes, failing);
  if (shown.length) {
    lines.push(
      '',
      `## QA's probe tests (in ${QA_SCRATCH}, which you cannot see or change: make the behaviour they check right in your code, and cover it in your own tests)`,
    );
    let budget = MAX_PROBES;
    for (const [path, content] of shown) {
      const body = clipText(content, Math.max(500, budget));
      budget -= body.length;
      lines.push(`### ${path}`, '```', body, '```');
      if (budget <= 0) break;
    }
  }
  lines.push(
    '',
    '## The diff of this step so far (since round 1 began)',
    clipText(diff || '(no changes)', 8_000),
  );
  return lines;
}

export function qaReviewBrief(round: number, maxRounds: number, devReport: string): string[] {
  return [
    '',
    `Review round ${round} of ${maxRounds}. Dev's report:`,
    clipText(devReport || '(none)'),
    '',
    'How to review:',
    "1. Read the step's change with workspace.diff (it shows everything changed since the step began).",
    "2. Run Dev's tests (sandbox.test).",
    `3. Write probe tests under ${QA_SCRATCH} for the acceptance criteria and the edge cases Dev's tests miss`,
    `   (python: ${QA_SCRATCH}test_<topic>.py with pytest; node: ${QA_SCRATCH}<topic>.test.mjs with node:test),`,
    "   importing Dev's code from the workspace root (python: `from slugify import slugify`; node:",
    "   `import { f } from '../../f.mjs'`), and run them with sandbox.test.",
    '4. Call submit_verdict once: "pass" only if every criterion is met and every test passes; otherwise',
    '   "fail" with findings that say what is wrong (input, expected, actual) and the failing tests by name.',
  ];
}
