import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Store } from '../store';
import { freshStore } from '../testing/dynamo';
import { LocalWorkspace } from '../workspace';
import { TaskStopped } from './agent-loop';
import { Toolbox } from './toolbox';

/** A tenant's own MCP server over Streamable HTTP, on loopback. */
async function tenantMcpServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const mcp = new McpServer({ name: 'docs', version: '1.0.0' });
    mcp.registerTool(
      'lookup',
      { description: 'Look up a term in the docs', inputSchema: { term: z.string() } },
      async ({ term }) => ({ content: [{ type: 'text', text: `definition of ${term}` }] }),
    );
    mcp.registerTool('secret', { description: 'Not for employees' }, async () => ({
      content: [{ type: 'text', text: 'leaked' }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close());
    await mcp.connect(transport);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/mcp`, server };
}

describe('Toolbox', () => {
  let store: Store;
  let mcp: { url: string; server: Server };
  beforeAll(async () => {
    store = await freshStore();
    mcp = await tenantMcpServer();
  });
  afterAll(() => {
    mcp.server.close();
  });

  const ctx = (taskId: string) => ({
    store,
    tenantId: 'acme',
    taskId,
    stepId: 'docs',
    employee: 'writer',
    workspace: new LocalWorkspace(mkdtempSync(join(tmpdir(), 'tb-'))),
    baseline: {},
  });

  it("mounts a tenant's MCP server: its allowed tools are offered and called, the others refused", async () => {
    const task = await store.createTask('acme', { prompt: 'docs', preference: 'cheap' });
    const box = await Toolbox.open(
      ctx(task.id),
      ['workspace.list', 'docs.lookup'],
      [{ name: 'docs', transport: new StreamableHTTPClientTransport(new URL(mcp.url)) }],
    );
    try {
      expect(box.specs.map((s) => s.name).sort()).toEqual(['docs_lookup', 'workspace_list']);
      const looked = await box.call({ id: 'c1', name: 'docs_lookup', arguments: { term: 'slug' } });
      expect(looked).toEqual({ ok: true, output: 'definition of slug' });
      const refused = await box.call({ id: 'c2', name: 'docs_secret', arguments: {} });
      expect(refused.ok).toBe(false);
      expect(refused.output).toMatch(/^Refused: 'docs.secret' is not one of writer's tools/);
      const listed = await box.call({ id: 'c3', name: 'workspace_list', arguments: {} });
      expect(listed.output).toBe('(the workspace is empty)');
    } finally {
      await box.close();
    }
    const types = (await store.listEvents('acme', task.id)).items.map((e) => e.type);
    expect(types.filter((t) => t === 'tool_call')).toHaveLength(3);
    expect(types).toContain('tool_refused');
  });

  it('runs no call queued after a cancel, and aborts the one in flight', async () => {
    const task = await store.createTask('acme', { prompt: 'cancel', preference: 'cheap' });
    const cancel = new AbortController();
    const workspace = new LocalWorkspace(mkdtempSync(join(tmpdir(), 'tb-')));
    // The tenant's tool holds its answer until the cancel: the call is in flight when it comes.
    let entered!: () => void;
    const inFlight = new Promise<void>((r) => {
      entered = r;
    });
    const slow = createServer(async (req, res) => {
      const server = new McpServer({ name: 'slow', version: '1.0.0' });
      server.registerTool('wait', { description: 'Waits' }, async (extra) => {
        entered();
        await new Promise((r) => extra.signal.addEventListener('abort', r, { once: true }));
        return { content: [{ type: 'text', text: 'finished after all' }] };
      });
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      res.on('close', () => void transport.close());
      await server.connect(transport);
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      await transport.handleRequest(
        req,
        res,
        chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined,
      );
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(slow.address() as { port: number }).port}/mcp`;
    const box = await Toolbox.open(
      { ...ctx(task.id), workspace, signal: cancel.signal },
      ['workspace.write', 'slow.wait'],
      [{ name: 'slow', transport: new StreamableHTTPClientTransport(new URL(url)) }],
    );
    try {
      const waiting = box.call({ id: 'w', name: 'slow_wait', arguments: {} });
      await inFlight;
      cancel.abort();
      await expect(waiting).rejects.toBeInstanceOf(TaskStopped);
      const queued = box.call({
        id: 'q',
        name: 'workspace_write',
        arguments: { path: 'a.txt', content: 'x' },
      });
      await expect(queued).rejects.toBeInstanceOf(TaskStopped);
    } finally {
      await box.close();
      slow.close();
    }
    expect(await workspace.files()).toEqual({});
    const log = (await store.listEvents('acme', task.id)).items;
    expect(log.flatMap((e) => (e.type === 'tool_call' ? [e.callId] : []))).toEqual(['w']);
    expect(log.some((e) => e.type === 'tool_result')).toBe(false);
  });

  it('writes and diffs the workspace through its tools, refusing a path outside it', async () => {
    const task = await store.createTask('acme', { prompt: 'ws', preference: 'cheap' });
    const box = await Toolbox.open(ctx(task.id), ['workspace.write', 'workspace.diff', 'workspace.read']);
    try {
      expect(
        (await box.call({ id: 'w', name: 'workspace_write', arguments: { path: 'a.txt', content: 'hi\n' } }))
          .ok,
      ).toBe(true);
      expect((await box.call({ id: 'd', name: 'workspace_diff', arguments: {} })).output).toContain(
        '+++ b/a.txt',
      );
      const outside = await box.call({
        id: 'e',
        name: 'workspace_read',
        arguments: { path: '../../etc/passwd' },
      });
      expect(outside.ok).toBe(false);
      expect(outside.output).toMatch(/outside the workspace/);
    } finally {
      await box.close();
    }
  });
});
