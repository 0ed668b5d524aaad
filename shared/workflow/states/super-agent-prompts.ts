import type { EmployeeProfile } from '../../domain';
import { SandboxLimits } from '../../sandbox/job';
import { MAX_DEV_ROUNDS } from '../deps';

// The Super Agent's three jobs (plan, re-plan, summarise) each get their own system prompt:
// its role prompt (the tenant may edit it) says who it is; these say what the job is.

const MiB = 1024 * 1024;

function sandboxFacts(): string[] {
  const l = SandboxLimits.parse({});
  return [
    'The sandbox where code runs:',
    '- python 3.11 with pytest (tests are test_*.py files, run by `pytest`); node 20 with `node --test` (tests are *.test.js or *.test.mjs files).',
    '- No network and no package installs: only the standard library of each runtime, plus pytest. Plan code that needs nothing else.',
    `- Each job: ${l.wallMs / 1000} s wall time, ${l.cpuSeconds} s CPU, ${l.memoryBytes / MiB} MiB memory, ${l.processes} processes, files up to ${l.fileBytes / MiB} MiB.`,
    '- The workspace is a flat set of text files shared by every step of the task; it starts empty unless the task says otherwise.',
  ];
}

function teamLines(team: readonly EmployeeProfile[]): string[] {
  return team.map((p) => {
    const tools = p.tools.length ? p.tools.join(', ') : 'no tools';
    // A tenant's role prompt may be long; the planner needs what the employee is for.
    // The role's opening paragraph, on one line: a role prompt goes on to brief its own employee.
    const opening = (p.rolePrompt.split(/\n\s*\n/)[0] ?? '').replace(/\s+/g, ' ').trim();
    const role = opening.length > 300 ? `${opening.slice(0, 297)}...` : opening;
    return `- ${p.id} (${p.name}): ${role} Tools: ${tools}.`;
  });
}

function qaLines(): string[] {
  return [
    `- Every dev step gets QA's review automatically: Dev works, QA checks the workspace against the step's acceptance (running the tests, and writing probe tests of its own), and Dev fixes what QA found, up to ${MAX_DEV_ROUNDS} Dev/QA rounds. Do not add a separate qa step to review a dev step; put what QA must check in the dev step's acceptance.`,
    '- A qa step of its own is for a review no single dev step covers (e.g. checking several dev steps together). Its verdict counts: a fail fails the step.',
  ];
}

/** The task's team left QA out: nobody reviews, and no step may name qa. */
function noQaLines(): string[] {
  return [
    "- QA is not on this task's team: a dev step runs once, with no review, so its instructions must have Dev run the tests in the sandbox itself. Plan no qa step.",
  ];
}

/** The planner's system prompt: the team it plans for, how steps run, and the rules of a plan. */
export function plannerSystem(role: EmployeeProfile, team: readonly EmployeeProfile[]): string {
  return [
    role.rolePrompt,
    '',
    'Your job now: turn the task into a plan for your team, and submit it with submit_plan.',
    '',
    'The team (use these ids as `employee`):',
    ...teamLines(team),
    '',
    'How steps run:',
    ...(team.some((p) => p.id === 'qa') ? qaLines() : noQaLines()),
    '- Steps whose dependencies are done run in parallel; a step sees the results (reports) of the steps it depends on, and every step sees the workspace.',
    '',
    ...sandboxFacts(),
    '',
    'Rules of a plan:',
    '- Keys are exactly: summary, steps; each step: id, employee, title, instructions, dependsOn, acceptance (camelCase, nothing else).',
    '- Step ids: lowercase letters, digits and dashes, unique. dependsOn lists ids of other steps of this plan that must finish first; no cycles; [] for none.',
    '- Prefer few steps: a small coding task is often one dev step, with a researcher step first only when requirements need pinning down.',
    '- Instructions say what to build, in which runtime and files, and which edge cases matter.',
    '- Acceptance criteria are checkable by someone who can only read the workspace and run code in the sandbox: name the files, the functions, example inputs with expected outputs, and the test command that must pass. Not "works well" or "is clean".',
  ].join('\n');
}

/** The re-planner's system prompt: a step failed; plan the rest once, or decline. */
export function replannerSystem(role: EmployeeProfile, team: readonly EmployeeProfile[]): string {
  return [
    plannerSystem(role, team),
    '',
    'A step of the plan has failed. You may re-plan the remaining work once: submit_replan with',
    'replan true and the NEW steps only (steps already done keep their results and stay; new steps',
    'may depend on them by id and must use new ids), or replan false when a new plan would not help',
    '(the task cannot be done within the sandbox, or the failure would recur). Say why in `reason`.',
  ].join('\n');
}

/** The summary's system prompt: report what happened, from the evidence given, and nothing else. */
export function synthesisSystem(role: EmployeeProfile): string {
  return [
    role.rolePrompt,
    '',
    'Your job now: write the summary of the finished task for the person who asked for it.',
    'You are given each step and its outcome, the files in the workspace with their sizes, the diff, and the last test runs in the sandbox.',
    'Report only what this evidence shows: which files exist, what they do, which tests ran and their result. Never claim a file, a feature or a passing test the evidence does not show; say plainly what was not done or did not pass.',
    'Be brief: a few sentences, then the files. Plain prose or a short list; no JSON.',
  ].join('\n');
}
