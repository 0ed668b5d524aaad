import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../store';
import { freshStore } from '../testing/dynamo';
import { LocalWorkspace } from '../workspace';
import { McpServerRefused, mcpTransport } from './mcp-transport';
import { Toolbox } from './toolbox';

/** An MCP server on 127.0.0.1 that counts the connections it gets; `/broken` answers 500 with a secret. */
async function loopbackMcpServer() {
  let connections = 0;
  const server: Server = createServer(async (req, res) => {
    if (req.url === '/broken') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('SECRET internal stack trace of another service');
      return;
    }
    const mcp = new McpServer({ name: 'docs', version: '1.0.0' });
    mcp.registerTool('lookup', { description: 'Look up a term' }, async () => ({
      content: [{ type: 'text', text: 'a definition' }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close());
    await mcp.connect(transport);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await transport.handleRequest(
      req,
      res,
      chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined,
    );
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { server, port, connections: () => connections };
}

describe('an employee’s MCP server connection', () => {
  let store: Store;
  let mcp: Awaited<ReturnType<typeof loopbackMcpServer>>;
  beforeAll(async () => {
    store = await freshStore();
    mcp = await loopbackMcpServer();
  });
  afterAll(() => {
    mcp.server.close();
  });

  const open = async (url: string, policy = {}) => {
    const task = await store.createTask('acme', { prompt: 'docs', preference: 'cheap' });
    return Toolbox.open(
      {
        store,
        tenantId: 'acme',
        taskId: task.id,
        stepId: 'docs',
        employee: 'writer',
        workspace: new LocalWorkspace(mkdtempSync(join(tmpdir(), 'mcp-'))),
        baseline: {},
      },
      ['workspace.list', 'docs.lookup'],
      [{ name: 'docs', transport: mcpTransport({ name: 'docs', url }, policy) }],
    );
  };

  it('refuses a server on 127.0.0.1, over http or https, before connecting', async () => {
    await expect(open(`http://127.0.0.1:${mcp.port}/mcp`)).rejects.toThrow(
      /MCP server 'docs' refused: its URL must use https/,
    );
    await expect(open(`https://127.0.0.1:${mcp.port}/mcp`)).rejects.toThrow(/loopback/);
    await expect(open(`https://localhost:${mcp.port}/mcp`)).rejects.toThrow(McpServerRefused);
    expect(mcp.connections()).toBe(0);
  });

  it('refuses a name that resolves to a loopback or metadata address when it connects (DNS rebinding)', async () => {
    const rebinding = (address: string) => ({
      resolve: ((
        _host: string,
        _opts: unknown,
        cb: (e: null, a: { address: string; family: number }[]) => void,
      ) => cb(null, [{ address, family: address.includes(':') ? 6 : 4 }])) as never,
    });
    await expect(open(`https://mcp.tenant.example:${mcp.port}/mcp`, rebinding('127.0.0.1'))).rejects.toThrow(
      /MCP server 'docs' refused: mcp\.tenant\.example resolves to 127\.0\.0\.1, a loopback address/,
    );
    await expect(open('https://mcp.tenant.example/mcp', rebinding('169.254.169.254'))).rejects.toThrow(
      /resolves to 169\.254\.169\.254, a link-local/,
    );
    await expect(open('https://mcp.tenant.example/mcp', rebinding('fe80::1'))).rejects.toThrow(/link-local/);
    expect(mcp.connections()).toBe(0);
  });

  it('reaches a host the operator explicitly allows, over http', async () => {
    const box = await open(`http://127.0.0.1:${mcp.port}/mcp`, { allowedHosts: ['127.0.0.1'] });
    try {
      expect(await box.call({ id: 'c1', name: 'docs_lookup', arguments: {} })).toEqual({
        ok: true,
        output: 'a definition',
      });
    } finally {
      await box.close();
    }
  });

  it('reports an error answer by its status, never echoing the server’s body', async () => {
    const error = await open(`http://127.0.0.1:${mcp.port}/broken`, { allowedHosts: ['127.0.0.1'] }).catch(
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/HTTP 500/);
    expect((error as Error).message).not.toMatch(/SECRET/);
  });
});
