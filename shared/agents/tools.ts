import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { NotFound } from '../errors';
import type { TeamMemory } from '../memory';
import type { Store } from '../store';
import { diffFiles, inScratch, SCRATCH_FOLDER, type Workspace, workspacePath } from '../workspace';
import * as z from '../zod';
import { clipOutput, TOOL_OUTPUT_CHARS } from './clip';
import { readRange } from './read-range';
import type { CodeSandbox, SandboxRun } from './sandbox-port';
import { describeRun, keptChanges } from './sandbox-report';
import { replaceOnce } from './text-edit';
import { searchFiles } from './workspace-search';

/** Everything a tool may touch, for one employee on one step of one task. */
export interface ToolContext {
  store: Store;
  tenantId: string;
  taskId: string;
  stepId?: string;
  employee: string;
  workspace: Workspace;
  sandbox?: CodeSandbox;
  /** The workspace when the step began (a `Workspace.snapshot`), for workspace.diff. */
  baseline: Record<string, string>;
  /**
   * The employee's scratch folder (QA: `qa_probes/`, the workspace's SCRATCH_FOLDER).
   * With one, the employee writes only there and its jobs run everyone's files
   * plus it; without one, the scratch folder is invisible.
   */
  scratch?: string;
  signal?: AbortSignal;
  /** The tenant's documents and the team's memories, for memory.search; absent, it answers []. */
  memory?: TeamMemory;
}

export { BUILT_IN_TOOLS } from './tool-names';

const Runtime = z.enum(['python', 'node']).check(z.describe('"python" (pytest) or "node" (node --test)'));
const Path = z
  .string()
  .check(z.describe('A path relative to the workspace root, with forward slashes, e.g. "src/slugify.py"'));

const text = (t: string, isError = false) => ({
  content: [{ type: 'text' as const, text: clipOutput(t, TOOL_OUTPUT_CHARS) }],
  isError,
});

/** The employee's scratch folder as a folder path ending in '/', or undefined. */
const scratchOf = (ctx: ToolContext) =>
  ctx.scratch === undefined ? undefined : `${workspacePath(ctx.scratch).replace(/\/+$/, '')}/`;

/** Whether this employee's tools show the scratch folder (only the employee it belongs to). */
const seesScratch = (ctx: ToolContext) => ctx.scratch !== undefined;

/** A path this employee may read: the scratch folder does not exist for the others. */
function visiblePath(ctx: ToolContext, path: string): string {
  const rel = workspacePath(path);
  if (!seesScratch(ctx) && inScratch(rel)) throw new NotFound('workspace file', rel);
  return rel;
}

/** Why this employee may not write `rel`, or undefined when it may. */
function writeRefusal(ctx: ToolContext, rel: string): string | undefined {
  const scratch = scratchOf(ctx);
  if (scratch !== undefined && !inScratch(rel, scratch)) {
    return (
      `${ctx.employee} writes probe tests only under ${scratch} (e.g. ${scratch}test_probe_feature.py); ` +
      `'${rel}' is outside it and was not changed. Report problems in Dev's files as findings instead.`
    );
  }
  if (scratch === undefined && inScratch(rel)) {
    return `${SCRATCH_FOLDER} is reserved for QA's probe tests; write '${rel}' somewhere else.`;
  }
  return undefined;
}

/** A file or folder to search or list in, without a trailing '/'; undefined for the whole workspace. */
function folderScope(ctx: ToolContext, path: string | undefined): string | undefined {
  if (!path || /^\.?\/*$/.test(path)) return undefined;
  return visiblePath(ctx, path).replace(/\/+$/, '');
}

async function jobFiles(ctx: ToolContext, runtime?: 'python' | 'node'): Promise<Record<string, string>> {
  const files = await ctx.workspace.files({ includeScratch: seesScratch(ctx) });
  // As a package, the scratch folder's test modules get names of their own (qa_probes.test_x):
  // a probe named like one of Dev's test files would otherwise stop pytest collecting either.
  const scratch = scratchOf(ctx);
  if (scratch !== undefined && runtime === 'python' && files[`${scratch}__init__.py`] === undefined) {
    files[`${scratch}__init__.py`] = '';
  }
  return files;
}

/** Takes back what a job produced (as this employee may) and records the run; returns notes on files not kept. */
async function recordRun(ctx: ToolContext, command: string, run: SandboxRun): Promise<string[]> {
  const { kept, notes } = keptChanges(run, scratchOf(ctx));
  for (const [path, content] of Object.entries(kept)) {
    try {
      await ctx.workspace.write(path, content);
    } catch (e) {
      notes.push(`${path}: not kept (${(e as Error).message})`);
    }
  }
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
  return notes;
}

const NO_SANDBOX = 'No sandbox is configured on this host';
const BUDGET = `Output is limited to about ${TOOL_OUTPUT_CHARS.toLocaleString('en-US')} characters`;

/**
 * The built-in tools as an MCP server. Only the tools in `allowed` are
 * registered, so a refused tool is not even reachable over the protocol.
 * Every answer goes through clipOutput: no tool result floods the model's context.
 */
export function builtInToolServer(ctx: ToolContext, allowed: readonly string[]): McpServer {
  const server = new McpServer({ name: 'techteam-tools', version: '1.0.0' });
  const can = (name: string) => allowed.includes(name);

  if (can('workspace.read')) {
    server.registerTool(
      'workspace.read',
      {
        description:
          'Read a text file of the task workspace. The answer starts with a header such as ' +
          '"src/app.py: lines 1-120 of 300", then the lines themselves (no line numbers added). ' +
          `${BUDGET}: for a longer file, the lines that fit are shown and a note gives the startLine to read on from. ` +
          'To look at one part of a large file, pass startLine/endLine, or find the lines first with workspace.search. ' +
          'Binary files are refused.',
        inputSchema: {
          path: Path,
          startLine: z.optional(
            z.int().check(z.minimum(1), z.describe('First line to show, 1-based (default 1)')),
          ),
          endLine: z.optional(
            z
              .int()
              .check(z.minimum(1), z.describe('Last line to show, inclusive (default: the end of the file)')),
          ),
        },
      },
      async ({ path, startLine, endLine }) => {
        const rel = visiblePath(ctx, path);
        return text(readRange(rel, await ctx.workspace.read(rel), { startLine, endLine }, TOOL_OUTPUT_CHARS));
      },
    );
  }
  if (can('workspace.write')) {
    server.registerTool(
      'workspace.write',
      {
        description:
          'Create a text file, or replace a whole file, in the task workspace; folders are created as needed. ' +
          'To change part of an existing file, prefer workspace.edit (you send only the part that changes). ' +
          'Files are at most 1 MiB of UTF-8 text.',
        inputSchema: {
          path: Path,
          content: z.string().check(z.describe('The complete new content of the file')),
        },
      },
      async ({ path, content }) => {
        const rel = workspacePath(path);
        const refusal = writeRefusal(ctx, rel);
        if (refusal) return text(refusal, true);
        await ctx.workspace.write(rel, content);
        return text(`wrote ${rel} (${Buffer.byteLength(content).toLocaleString('en-US')} bytes)`);
      },
    );
  }
  if (can('workspace.edit')) {
    server.registerTool(
      'workspace.edit',
      {
        description:
          'Change part of a text file: replaces the text `old` with `new`, where `old` must occur exactly once ' +
          'in the file, copied exactly (whitespace and indentation included). Include a few surrounding lines ' +
          'in `old` to make it unique. Nothing is changed when `old` is missing or occurs several times; the ' +
          'answer then says where the closest or the several matches are. Use an empty `new` to delete the text.',
        inputSchema: {
          path: Path,
          old: z
            .string()
            .check(z.describe('The exact text to replace, e.g. "def slugify(s):\\n    return s"')),
          new: z.string().check(z.describe('The text to put in its place')),
        },
      },
      async ({ path, old, new: replacement }) => {
        const rel = visiblePath(ctx, path);
        const refusal = writeRefusal(ctx, rel);
        if (refusal) return text(refusal, true);
        const before = await ctx.workspace.read(rel);
        const edit = replaceOnce(rel, before, old, replacement);
        if (!edit.ok) return text(edit.problem, true);
        await ctx.workspace.write(rel, edit.content);
        const { firstLine, oldLines, newLines } = edit;
        const lines = `lines ${firstLine}-${firstLine + oldLines - 1}`;
        if (!replacement) return text(`edited ${rel}: ${lines} deleted`);
        return text(
          `edited ${rel}: ${lines} replaced by ` +
            `${newLines} line${newLines === 1 ? '' : 's'} (now lines ${firstLine}-${firstLine + newLines - 1})`,
        );
      },
    );
  }
  if (can('workspace.search')) {
    server.registerTool(
      'workspace.search',
      {
        description:
          'Search the text files of the task workspace, like grep: one "path:line: text" per matching line ' +
          '(at most 100, then a count of the rest). Case-sensitive plain text by default.',
        inputSchema: {
          pattern: z
            .string()
            .check(
              z.describe(
                'Text to find, e.g. "def slugify"; a JavaScript regular expression when regex is true',
              ),
            ),
          path: z.optional(
            z
              .string()
              .check(z.describe('A file or folder to search in, e.g. "src" (default: the whole workspace)')),
          ),
          regex: z.optional(
            z.boolean().check(z.describe('Treat pattern as a regular expression (default false)')),
          ),
          ignoreCase: z.optional(z.boolean().check(z.describe('Ignore upper/lower case (default false)'))),
        },
      },
      async ({ pattern, path, regex, ignoreCase }) => {
        const scope = folderScope(ctx, path);
        return text(searchFiles(await jobFiles(ctx), { pattern, path: scope, regex, ignoreCase }));
      },
    );
  }
  if (can('workspace.list')) {
    server.registerTool(
      'workspace.list',
      {
        description:
          'List the files of the task workspace with their sizes in bytes and lines, e.g. ' +
          '"src/app.py  1,204 bytes, 40 lines". Pass path to list one folder only.',
        inputSchema: {
          path: z.optional(
            z.string().check(z.describe('A folder to list, e.g. "tests" (default: everything)')),
          ),
        },
      },
      async ({ path }) => {
        const scope = folderScope(ctx, path);
        const all = await ctx.workspace.sizes({ includeScratch: seesScratch(ctx) });
        const files = scope ? all.filter((f) => f.path === scope || f.path.startsWith(`${scope}/`)) : all;
        if (!files.length) return text(scope ? `No files under ${scope}` : '(the workspace is empty)');
        const bytes = files.reduce((n, f) => n + f.bytes, 0);
        const width = Math.min(60, Math.max(...files.map((f) => f.path.length)));
        const rows = files.map(
          (f) =>
            `${f.path.padEnd(width)}  ${f.bytes.toLocaleString('en-US')} bytes, ` +
            (f.lines === undefined
              ? `${f.unreadable} (not readable as text)`
              : `${f.lines} line${f.lines === 1 ? '' : 's'}`),
        );
        const header = `${files.length} file${files.length === 1 ? '' : 's'}, ${bytes.toLocaleString('en-US')} bytes`;
        return text([header, ...rows].join('\n'));
      },
    );
  }
  if (can('workspace.diff')) {
    server.registerTool(
      'workspace.diff',
      {
        description:
          'Show what changed in the workspace since this step began, as a unified diff (the lines starting ' +
          `"-" were removed, "+" added, with 3 lines of context around each change). ${BUDGET}; ` +
          'read a file with workspace.read for the rest.',
      },
      async () => {
        const visible = (files: Record<string, string>) =>
          seesScratch(ctx) ? files : Object.fromEntries(Object.entries(files).filter(([p]) => !inScratch(p)));
        const diff = diffFiles(visible(ctx.baseline), visible(await jobFiles(ctx)));
        return text(diff || '(no changes since this step began)');
      },
    );
  }
  if (can('sandbox.exec')) {
    server.registerTool(
      'sandbox.exec',
      {
        description:
          'Run a command on a copy of the workspace in the sandbox (no network, time and memory limits), ' +
          'e.g. ["python", "main.py"] or ["node", "-e", "console.log(1)"]. Answers the exit code, then stdout ' +
          `and stderr. ${BUDGET}; long output keeps its end. Text files the command creates or changes are kept ` +
          'in the workspace; binary ones are not.',
        inputSchema: {
          runtime: Runtime,
          command: z
            .array(z.string())
            .check(z.minLength(1), z.describe('The program and its arguments, one per item (no shell)')),
        },
      },
      async ({ runtime, command }) => {
        if (!ctx.sandbox) return text(NO_SANDBOX, true);
        const run = await ctx.sandbox.exec({
          files: await jobFiles(ctx, runtime),
          runtime,
          command,
          runId: ctx.taskId,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        const notes = await recordRun(ctx, command.join(' '), run);
        return text(describeRun(run, notes, TOOL_OUTPUT_CHARS), run.exitCode !== 0);
      },
    );
  }
  if (can('sandbox.test')) {
    const scratch = scratchOf(ctx);
    const probes = scratch
      ? ` Your probe tests under ${scratch} run together with the workspace's tests, e.g. ` +
        `${scratch}test_probe_<topic>.py (python; import the code under test as its own tests do) or ` +
        `${scratch}probe_<topic>.test.js (node).`
      : '';
    server.registerTool(
      'sandbox.test',
      {
        description:
          "Run the workspace's tests in the sandbox: pytest for python (files test_*.py), node --test for node " +
          '(files *.test.js). Answers the counts of passed and failed tests, the failing test names, then the ' +
          `output, which keeps its end.${probes}`,
        inputSchema: { runtime: Runtime },
      },
      async ({ runtime }) => {
        if (!ctx.sandbox) return text(NO_SANDBOX, true);
        const run = await ctx.sandbox.test({
          files: await jobFiles(ctx, runtime),
          runtime,
          runId: ctx.taskId,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        });
        const notes = await recordRun(ctx, runtime === 'python' ? 'pytest' : 'node --test', run);
        return text(describeRun(run, notes, TOOL_OUTPUT_CHARS), run.exitCode !== 0);
      },
    );
  }
  if (can('memory.search')) {
    server.registerTool(
      'memory.search',
      {
        description:
          "Search the tenant's documents and the team's memories of past tasks. Answers a JSON array of " +
          'passages, each with its citation (kind, id, name, position); cite what you use as [name#position].',
        inputSchema: {
          query: z.string().check(z.describe('What to look for, in a few words')),
          kind: z.optional(
            z.enum(['document', 'memory']).check(z.describe('Only documents, or only memories')),
          ),
        },
      },
      async ({ query, kind }) => {
        if (!ctx.memory) return text('[]');
        const hits = await ctx.memory.search(ctx.tenantId, query, {
          limit: 5,
          ...(kind ? { filter: { kind } } : {}),
          context: { tenantId: ctx.tenantId, taskId: ctx.taskId, employeeId: ctx.employee },
        });
        return text(JSON.stringify(hits.map((h) => ({ text: h.text, citation: h.citation }))));
      },
    );
  }
  return server;
}
