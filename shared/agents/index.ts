export { IterationsExhausted, runAgent, TaskStopped } from './agent-loop';
export { type ClipOptions, clipOutput, TOOL_OUTPUT_CHARS } from './clip';
export { checkEmployeeProfile, type ModelIds } from './profile-check';
export { BUILT_IN_EMPLOYEES, BUILT_IN_PROFILES, builtInProfile, builtInProfiles } from './profiles';
export { employeeOf, teamForTask, teamOf } from './roster';
export type { CodeSandbox, SandboxRun, SandboxRunners } from './sandbox-port';
export { checkTaskTeam, type TeamModelRow } from './team-check';
export { teamSandbox } from './team-sandbox';
export { BUILT_IN_TOOLS } from './tool-names';
export type { ToolContext } from './tools';
// Toolbox and the built-in tool server (./toolbox, ./tools) are not re-exported: they
// carry the MCP SDK, which the workflow imports on first use by path, so a Lambda
// bundle keeps it in a chunk of its own. A static re-export here would pull it into
// every bundle that imports this index.
