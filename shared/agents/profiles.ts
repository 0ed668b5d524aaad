import { EmployeeProfile } from '../domain';

/**
 * Built-in employees. Every profile lists demo-1 last among its allowed models,
 * so a host without any provider key still runs (and says it is the demo).
 */
const common = [
  'claude-sonnet-4-5',
  'gpt-4.1',
  'gpt-4.1-mini',
  'bedrock-claude-sonnet-4-5',
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
    defaultModel: 'claude-sonnet-4-5',
    fallbacks: ['gpt-4.1', 'bedrock-claude-sonnet-4-5', 'nova-pro', 'demo-1'],
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
    defaultModel: 'gpt-4.1-mini',
    fallbacks: ['claude-sonnet-4-5', 'bedrock-claude-sonnet-4-5', 'nova-pro', 'demo-1'],
    tools: ['workspace.read', 'workspace.list', 'memory.search'],
    maxIterations: 6,
    maxTokensPerStep: 4096,
    temperature: 0.3,
  }),
  EmployeeProfile.parse({
    id: 'dev',
    name: 'Dev',
    rolePrompt:
      'You are the Dev. Write working code with tests, run them in the sandbox, and fix what fails.',
    allowedModels: common,
    defaultModel: 'claude-sonnet-4-5',
    fallbacks: ['gpt-4.1', 'bedrock-claude-sonnet-4-5', 'nova-pro', 'demo-1'],
    tools: [
      'workspace.read',
      'workspace.write',
      'workspace.list',
      'workspace.diff',
      'sandbox.exec',
      'sandbox.test',
    ],
    maxIterations: 12,
    maxTokensPerStep: 8192,
    temperature: 0.2,
  }),
  EmployeeProfile.parse({
    id: 'qa',
    name: 'QA',
    rolePrompt:
      'You are QA. Review the work against its acceptance criteria, run the tests, and give a verdict.',
    allowedModels: common,
    defaultModel: 'gpt-4.1',
    fallbacks: ['claude-sonnet-4-5', 'bedrock-claude-sonnet-4-5', 'nova-pro', 'demo-1'],
    tools: ['workspace.read', 'workspace.list', 'workspace.diff', 'sandbox.test'],
    maxIterations: 6,
    maxTokensPerStep: 4096,
    temperature: 0,
  }),
];

export function builtInProfile(id: string): EmployeeProfile | undefined {
  return BUILT_IN_PROFILES.find((p) => p.id === id);
}

export const BUILT_IN_EMPLOYEES = BUILT_IN_PROFILES.map((p) => p.id);

/**
 * Lets the built-in employees use the models the host's operator configured
 * (an OpenAI-compatible server's, e.g. Ollama's), after their own and before
 * the demo: someone who points the host at a local model expects the team to
 * use it. Called once at start-up; tenant-defined employees list their own.
 */
export function allowOperatorModels(modelIds: readonly string[]): void {
  for (const profile of BUILT_IN_PROFILES) {
    for (const list of [profile.allowedModels, profile.fallbacks]) {
      const fresh = modelIds.filter((id) => !list.includes(id));
      const demoAt = list.indexOf('demo-1');
      list.splice(demoAt < 0 ? list.length : demoAt, 0, ...fresh);
    }
  }
}
