export * from './employee';
export * from './event';
export { McpServerUrl, mcpServerUrlProblem, refusedAddress } from './mcp-server-url';
export { usdAmount } from './money';
export { parseInput } from './parse';
export * from './plan';
export * from './task';
export * from './tenant';
export * from './usage';
