export { IterationsExhausted, runAgent, TaskStopped } from './agent-loop';
export { allowOperatorModels, BUILT_IN_EMPLOYEES, BUILT_IN_PROFILES, builtInProfile } from './profiles';
export { employeeOf, teamOf } from './roster';
export type { CodeSandbox, SandboxRun } from './sandbox-port';
export { teamSandbox } from './team-sandbox';
export { BUILT_IN_TOOLS } from './tool-names';
export { modelToolName, Toolbox } from './toolbox';
export { builtInToolServer, type ToolContext } from './tools';
