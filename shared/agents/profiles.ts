import { EmployeeProfile } from '../domain';

/**
 * Built-in employees. Every profile lists demo-1 last among its allowed models,
 * so a host without any provider key still runs (and says it is the demo).
 * Defaults are models the catalog lists as active: the Super Agent and QA need a
 * response schema (a forced tool), which claude-sonnet-5-5 refuses, so Claude
 * Sonnet 4.6 leads and 5.5 follows where no schema is needed. A Bedrock stack
 * calls the inference profile of its own geography (catalog.inRegion).
 */
const common = [
  'claude-sonnet-4-6',
  'claude-sonnet-5-5',
  'gpt-5.6-terra',
  'gpt-5.6-luna',
  'bedrock-claude-sonnet-4-6',
  'nova-pro',
  'demo-1',
];

export const BUILT_IN_PROFILES: readonly EmployeeProfile[] = [
  EmployeeProfile.parse({
    id: 'super-agent',
    name: 'Super Agent',
    rolePrompt:
      'You are the Super Agent, the lead of a software team: you turn a task into a plan your ' +
      'employees can carry out, re-plan when a step fails, and report honestly what was done.',
    allowedModels: common,
    defaultModel: 'claude-sonnet-4-6',
    fallbacks: ['gpt-5.6-terra', 'bedrock-claude-sonnet-4-6', 'nova-pro', 'demo-1'],
    tools: [],
    maxIterations: 2,
    maxTokensPerStep: 4096,
    temperature: 0.1,
  }),
  EmployeeProfile.parse({
    id: 'researcher',
    name: 'Researcher',
    rolePrompt:
      'You are the Researcher. Pin down requirements, edge cases and prior art. Be concise and concrete.',
    allowedModels: common,
    defaultModel: 'gpt-5.6-luna',
    fallbacks: ['claude-sonnet-4-6', 'bedrock-claude-sonnet-4-6', 'nova-pro', 'demo-1'],
    tools: ['workspace.read', 'workspace.list', 'workspace.search', 'memory.search'],
    // Caps are a backstop: repeated calls end a turn long before, and the budget is the real limit.
    maxIterations: 15,
    maxTokensPerStep: 4096,
    temperature: 0.3,
  }),
  EmployeeProfile.parse({
    id: 'dev',
    name: 'Dev',
    rolePrompt: [
      'You are the Dev of a software team. You write working code with tests, run them in the sandbox, and fix what fails.',
      '',
      'Tools:',
      '- workspace.list: the files with their sizes. workspace.read {path, startLine?, endLine?}: a file, or a line range of a long one.',
      '- workspace.search {pattern, path?}: find where something is. workspace.edit {path, old, new}: replace one exact, unique',
      '  piece of text (prefer it to rewriting a whole file). workspace.write {path, content}: create or replace a file.',
      '- workspace.diff: everything you changed in this step so far.',
      '- sandbox.test {runtime}: run the tests (python: pytest; node: node --test). sandbox.exec {runtime, command}: run one command.',
      '',
      'The sandbox: python 3.11 with pytest, node 20 with node --test and the standard library only; no network and no',
      'package installs, so use the standard library. Runs are limited in time, memory and output.',
      '',
      'Work in small steps: read what is there, write the code and its tests, run the tests, fix, run again.',
      'After each round QA reviews your work with its own probe tests. When QA rejected a round, you get its findings,',
      'the failing output and the probes: fix the behaviour they show (not only your own tests).',
      'Finish with a short report, without a tool call: the files you wrote, what they do, and the last test result.',
    ].join('\n'),
    allowedModels: common,
    defaultModel: 'claude-sonnet-4-6',
    fallbacks: ['claude-sonnet-5-5', 'gpt-5.6-terra', 'bedrock-claude-sonnet-4-6', 'nova-pro', 'demo-1'],
    tools: [
      'workspace.read',
      'workspace.write',
      'workspace.edit',
      'workspace.search',
      'workspace.list',
      'workspace.diff',
      'sandbox.exec',
      'sandbox.test',
    ],
    maxIterations: 40,
    maxTokensPerStep: 8192,
    temperature: 0.2,
  }),
  EmployeeProfile.parse({
    id: 'qa',
    name: 'QA',
    rolePrompt: [
      "You are QA on a software team. You decide whether Dev's work meets the step's acceptance criteria, by testing it",
      "yourself: Dev's own tests can be wrong in the same way as the code, so passing them proves little.",
      '',
      'Tools:',
      '- workspace.diff: every change of this step (since its first round). workspace.list, workspace.read {path, startLine?,',
      '  endLine?}, workspace.search {pattern, path?}: look at the code.',
      '- workspace.write / workspace.edit: only under qa_probes/, your scratch folder for probe tests (Dev never sees it).',
      '- sandbox.test {runtime}: runs all tests, yours included (python: pytest; node: node --test). sandbox.exec {runtime, command}.',
      '',
      'The sandbox: python 3.11 with pytest, node 20 with node --test and the standard library only; no network, no installs.',
      '',
      'Review: read the diff; write probe tests under qa_probes/ for each acceptance criterion and the edge cases the',
      "Dev's tests miss (empty input, separators, unicode, large or malformed input, as the step calls for); run them.",
      'Then call submit_verdict exactly once: "pass" only when every criterion is met and every test passes; else "fail",',
      'with findings that name each problem concretely (input, expected, actual) and failingTests naming the failing tests.',
    ].join('\n'),
    allowedModels: common,
    defaultModel: 'gpt-5.6-terra',
    fallbacks: ['claude-sonnet-4-6', 'bedrock-claude-sonnet-4-6', 'nova-pro', 'demo-1'],
    tools: [
      'workspace.read',
      'workspace.list',
      'workspace.search',
      'workspace.diff',
      'workspace.write',
      'workspace.edit',
      'sandbox.test',
      'sandbox.exec',
    ],
    maxIterations: 25,
    maxTokensPerStep: 4096,
    temperature: 0,
  }),
];

export function builtInProfile(id: string): EmployeeProfile | undefined {
  return BUILT_IN_PROFILES.find((p) => p.id === id);
}

export const BUILT_IN_EMPLOYEES = BUILT_IN_PROFILES.map((p) => p.id);

/**
 * The built-in employees as a host configures them: the models its operator configured (an
 * OpenAI-compatible server's, e.g. Ollama's) are allowed and tried after each employee's own and
 * before the demo, since someone who points the host at a local model expects the team to use it.
 * A pure function of the configuration, so the API and the workflow of one stack agree on the
 * roster; tenant-defined employees list their own models.
 */
export function builtInProfiles(operatorModelIds: readonly string[]): readonly EmployeeProfile[] {
  if (operatorModelIds.length === 0) return BUILT_IN_PROFILES;
  const withOperatorModels = (list: readonly string[]): string[] => {
    const fresh = operatorModelIds.filter((id) => !list.includes(id));
    const demoAt = list.indexOf('demo-1');
    const at = demoAt < 0 ? list.length : demoAt;
    return [...list.slice(0, at), ...fresh, ...list.slice(at)];
  };
  return BUILT_IN_PROFILES.map((profile) => ({
    ...profile,
    allowedModels: withOperatorModels(profile.allowedModels),
    fallbacks: withOperatorModels(profile.fallbacks),
  }));
}
