import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ToolCall, ToolSpec } from '../gateway/types';
import { TaskStopped } from './agent-loop';
import { builtInToolServer, type ToolContext } from './tools';

/** Model APIs allow only [a-zA-Z0-9_-] in tool names; MCP names here use dots. */
export const modelToolName = (mcpName: string) => mcpName.replace(/\./g, '_');

export interface ToolOutcome {
  ok: boolean;
  output: string;
}

interface Mounted {
  client: Client;
  /** Qualified tool name (as in the profile's `tools`) → its spec for the model. */
  tools: Map<string, ToolSpec>;
  /** Qualified tool name → the name its own server knows it by. */
  serverNames: Map<string, string>;
}

/**
 * A failed call as the model should read it. The MCP SDK reports arguments that fail the tool's
 * schema as `MCP error -32602: Input validation error: …` with the zod issues as JSON; the model
 * gets the fields named in plain words, so it can correct a wrong field name.
 */
function describeToolFailure(tool: string, error: unknown): string {
  const message = (error as Error).message ?? String(error);
  const json = message.indexOf('[');
  if (/-32602|validation/i.test(message) && json >= 0) {
    try {
      const issues = JSON.parse(message.slice(json)) as { path?: unknown[]; message?: string }[];
      const named = issues.map(
        (i) => `${(i.path ?? []).join('.') || '(arguments)'}: ${i.message ?? 'invalid'}`,
      );
      return `Error: the arguments of ${tool} do not match its schema (${named.join('; ')}). Call it again with the fields its schema names.`;
    } catch {
      // Not the JSON shape we know: the message as it is.
    }
  }
  return `Error: ${message}`;
}

/** An extra MCP server mounted for an employee; its tools are named `<name>.<tool>`. */
export interface MountedServer {
  name: string;
  transport: Transport;
}

/**
 * The tools one employee may use on one step, reached over MCP. Calls outside
 * the employee's list are refused, recorded as an event, and answered to the
 * model as an error.
 */
export class Toolbox {
  private readonly mounted: Mounted[] = [];

  private constructor(
    private readonly ctx: ToolContext,
    private readonly allowed: readonly string[],
  ) {}

  /**
   * Connects the built-in tool server (only the allowed tools registered) and
   * any extra MCP servers mounted for this employee (their tools still filtered by `allowed`).
   */
  static async open(
    ctx: ToolContext,
    allowed: readonly string[],
    extra: MountedServer[] = [],
  ): Promise<Toolbox> {
    const box = new Toolbox(ctx, allowed);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await builtInToolServer(ctx, allowed).connect(serverSide);
    await box.mount(clientSide, '');
    for (const server of extra) await box.mount(server.transport, `${server.name}.`);
    return box;
  }

  private async mount(transport: Transport, prefix: string): Promise<void> {
    const client = new Client({ name: `techteam-${this.ctx.employee}`, version: '1.0.0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    const specs = new Map<string, ToolSpec>();
    const serverNames = new Map<string, string>();
    for (const t of tools) {
      const qualified = `${prefix}${t.name}`;
      if (!this.allowed.includes(qualified)) continue;
      serverNames.set(qualified, t.name);
      specs.set(qualified, {
        name: modelToolName(qualified),
        description: t.description ?? t.name,
        inputSchema: t.inputSchema as Record<string, unknown>,
      });
    }
    this.mounted.push({ client, tools: specs, serverNames });
  }

  /** What the model is told it can call. */
  get specs(): ToolSpec[] {
    return this.mounted.flatMap((m) => [...m.tools.values()]);
  }

  private find(modelName: string): { mcpName: string; serverName: string; client: Client } | undefined {
    for (const m of this.mounted) {
      for (const [mcpName, spec] of m.tools) {
        if (spec.name === modelName || mcpName === modelName) {
          return { mcpName, serverName: m.serverNames.get(mcpName) ?? mcpName, client: m.client };
        }
      }
    }
    return undefined;
  }

  /**
   * Records a call the loop answers itself, without running any tool: one whose arguments were
   * not JSON (`invalid`), or the turn's finish tool. The dashboard and CLI see it like any call.
   */
  async answer(call: ToolCall, outcome: ToolOutcome): Promise<void> {
    const { store, tenantId, taskId, stepId, employee } = this.ctx;
    const step = stepId ? { stepId } : {};
    const tool = this.find(call.name)?.mcpName ?? call.name;
    await store.appendEvent(tenantId, taskId, {
      type: 'tool_call',
      ...step,
      employee,
      callId: call.id,
      tool,
      arguments: call.arguments,
      ...(call.invalid ? { invalid: call.invalid.reason } : {}),
    });
    await store.appendEvent(tenantId, taskId, {
      type: 'tool_result',
      ...step,
      employee,
      callId: call.id,
      tool,
      ok: outcome.ok,
      output: outcome.output.length > 4000 ? `${outcome.output.slice(0, 4000)}…` : outcome.output,
    });
  }

  /**
   * Runs one call. A call still queued when the task is cancelled never runs (TaskStopped); one
   * in flight has its MCP request aborted, so the tool's own signal (a sandbox job) fires too.
   */
  async call(call: ToolCall): Promise<ToolOutcome> {
    const { store, tenantId, taskId, stepId, employee, signal } = this.ctx;
    if (signal?.aborted) throw new TaskStopped(taskId, 'cancelled');
    const step = stepId ? { stepId } : {};
    const target = this.find(call.name);
    const toolName = target?.mcpName ?? call.name.replace(/_/g, '.');
    await store.appendEvent(tenantId, taskId, {
      type: 'tool_call',
      ...step,
      employee,
      callId: call.id,
      tool: toolName,
      arguments: call.arguments,
    });
    if (!target) {
      const reason = `'${toolName}' is not one of ${employee}'s tools (${this.allowed.join(', ') || 'none'})`;
      await store.appendEvent(tenantId, taskId, {
        type: 'tool_refused',
        ...step,
        employee,
        tool: toolName,
        reason,
      });
      return { ok: false, output: `Refused: ${reason}` };
    }
    let outcome: ToolOutcome;
    try {
      const result = await target.client.callTool(
        { name: target.serverName, arguments: call.arguments },
        undefined,
        signal ? { signal } : undefined,
      );
      const content = (result.content as { type: string; text?: string }[] | undefined) ?? [];
      const output = content.map((c) => (c.type === 'text' ? (c.text ?? '') : `[${c.type}]`)).join('\n');
      outcome = { ok: !result.isError, output };
    } catch (e) {
      if (signal?.aborted) throw new TaskStopped(taskId, 'cancelled');
      outcome = { ok: false, output: describeToolFailure(toolName, e) };
    }
    await store.appendEvent(tenantId, taskId, {
      type: 'tool_result',
      ...step,
      employee,
      callId: call.id,
      tool: toolName,
      ok: outcome.ok,
      output: outcome.output.length > 4000 ? `${outcome.output.slice(0, 4000)}…` : outcome.output,
    });
    return outcome;
  }

  async close(): Promise<void> {
    await Promise.all(this.mounted.map((m) => m.client.close()));
  }
}
