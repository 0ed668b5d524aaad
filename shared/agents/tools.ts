import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Store } from '../store';
import { diffFiles, type Workspace } from '../workspace';
import * as z from '../zod';
import type { CodeSandbox, SandboxRun } from './sandbox-port';

/** Everything a tool may touch, for one employee on one step of one task. */
export interface ToolContext {
  store: Store;
  tenantId: string;
  taskId: string;
  stepId?: string;
  employee: string;
  workspace: Workspace;
  sandbox?: CodeSandbox;
  /** The workspace when the step began, for workspace.diff. */
  baseline: Record<string, string>;
  signal?: AbortSignal;
}

export { BUILT_IN_TOOLS } from './tool-names';

const Runtime = z.enum(['python', 'node']);
const MAX_OUTPUT = 8_000;

function clip(text: string): string {
  return text.length > MAX_OUTPUT
    ? `${text.slice(0, MAX_OUTPUT)}\n…[truncated ${text.length - MAX_OUTPUT} characters]`
    : text;
}

const text = (t: string, isError = false) => ({ content: [{ type: 'text' as const, text: t }], isError });

async function recordRun(ctx: ToolContext, command: string, run: SandboxRun): Promise<void> {
  // Files the code produced come back into the workspace.
  for (const [path, content] of Object.entries(run.changedFiles)) await ctx.workspace.write(path, content);
  await ctx.store.appendEvent(ctx.tenantId, ctx.taskId, {
    type: 'sandbox_run',
    ...(ctx.stepId ? { stepId: ctx.stepId } : {}),
    employee: ctx.employee,
    command,
    isolation: run.isolation,
    exitCode: run.exitCode,
    durationMs: run.durationMs,
    ...(run.limit ? { limit: run.limit } : {}),
    ...(run.tests
      ? { tests: { passed: run.tests.passed, failed: run.tests.failed, errors: run.tests.errors } }
      : {}),
  });
}

function describeRun(run: SandboxRun): string {
  const lines = [`exit code ${run.exitCode} (${run.isolation}, ${Math.round(run.durationMs)} ms)`];
  if (run.limit) lines.push(`stopped by the ${run.limit} limit`);
  if (run.tests) {
    lines.push(`tests: ${run.tests.passed} passed, ${run.tests.failed} failed, ${run.tests.errors} errors`);
    if (run.tests.failing.length) lines.push(`failing: ${run.tests.failing.join(', ')}`);
  }
  if (run.stdout) lines.push('stdout:', clip(run.stdout));
  if (run.stderr) lines.push('stderr:', clip(run.stderr));
  return lines.join('\n');
}

/**
 * The built-in tools as an MCP server. Only the tools in `allowed` are
 * registered, so a refused tool is not even reachable over the protocol.
 */
export function builtInToolServer(ctx: ToolContext, allowed: readonly string[]): McpServer {
  const server = new McpServer({ name: 'techteam-tools', version: '1.0.0' });
  const can = (name: string) => allowed.includes(name);

  if (can('workspace.read')) {
    server.registerTool(
      'workspace.read',
      { description: 'Read a file of the task workspace.', inputSchema: { path: z.string() } },
      async ({ path }) => text(await ctx.workspace.read(path)),
    );
  }
  if (can('workspace.write')) {
    server.registerTool(
      'workspace.write',
      {
        description: 'Create or replace a file of the task workspace.',
        inputSchema: { path: z.string(), content: z.string() },
      },
      async ({ path, content }) => {
        await ctx.workspace.write(path, content);
        return text(`wrote ${Buffer.byteLength(content)} bytes to ${path}`);
      },
    );
  }
  if (can('workspace.list')) {
    server.registerTool(
      'workspace.list',
      { description: 'List the files of the task workspace.' },
      async () => {
        const files = await ctx.workspace.list();
        return text(files.length ? files.join('\n') : '(the workspace is empty)');
      },
    );
  }
  if (can('workspace.diff')) {
    server.registerTool(
      'workspace.diff',
      { description: 'Show what changed in the workspace since this step began.' },
      async () => text(diffFiles(ctx.baseline, await ctx.workspace.files()) || '(no changes)'),
    );
  }
  if (can('sandbox.exec')) {
    server.registerTool(
      'sandbox.exec',
      {
        description:
          'Run a command on the workspace in the sandbox (no network). Returns exit code and output.',
        inputSchema: { runtime: Runtime, command: z.array(z.string()).check(z.minLength(1)) },
      },
      async ({ runtime, command }) => {
        if (!ctx.sandbox) return text('No sandbox is configured on this host', true);
        const run = await ctx.sandbox.exec({
          files: await ctx.workspace.files(),
          runtime,
          command,
          runId: ctx.taskId,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        await recordRun(ctx, command.join(' '), run);
        return text(describeRun(run), run.exitCode !== 0);
      },
    );
  }
  if (can('sandbox.test')) {
    server.registerTool(
      'sandbox.test',
      {
        description: "Run the workspace's tests in the sandbox (pytest for python, node --test for node).",
        inputSchema: { runtime: Runtime },
      },
      async ({ runtime }) => {
        if (!ctx.sandbox) return text('No sandbox is configured on this host', true);
        const run = await ctx.sandbox.test({
          files: await ctx.workspace.files(),
          runtime,
          runId: ctx.taskId,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        await recordRun(ctx, runtime === 'python' ? 'pytest' : 'node --test', run);
        return text(describeRun(run), run.exitCode !== 0);
      },
    );
  }
  if (can('memory.search')) {
    server.registerTool(
      'memory.search',
      { description: "Search the tenant's documents and past tasks.", inputSchema: { query: z.string() } },
      // Memory arrives in a later release; until then the honest answer is "nothing".
      async () => text('[]'),
    );
  }
  return server;
}
