/** The tools the product serves itself; an employee's `tools` lists some of these or its MCP servers' tools. */
export const BUILT_IN_TOOLS = [
  'workspace.read',
  'workspace.write',
  'workspace.edit',
  'workspace.search',
  'workspace.list',
  'workspace.diff',
  'sandbox.exec',
  'sandbox.test',
  'memory.search',
] as const;
