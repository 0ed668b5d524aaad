import { type LookupAddress, type LookupAllOptions, lookup as systemLookup } from 'node:dns';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { mcpServerUrlProblem, refusedAddress } from '../domain/mcp-server-url';
import { TechteamError } from '../errors';

/** An employee's MCP server that may not be reached: it names the server and why, never what it answered. */
export class McpServerRefused extends TechteamError {
  constructor(server: string, reason: string) {
    super('McpServerRefused', 400, `MCP server '${server}' refused: ${reason}`, { server });
  }
}

type Resolve = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export interface McpEndpointPolicy {
  /**
   * Hosts the operator explicitly allows over http and at any address (an MCP server on the
   * operator's own network). Empty by default: only https to public addresses.
   */
  allowedHosts?: readonly string[];
  /** How names are resolved (default: the system's resolver). */
  resolve?: Resolve;
}

const REFUSAL = Symbol('mcp address refusal');

/**
 * A `lookup` for the sockets the MCP client opens: the name is resolved at connect time and every
 * address it gives is checked, so a name that resolved to a public address when the URL was
 * checked and to 127.0.0.1 now (DNS rebinding) is refused here, before any byte is sent.
 */
function guardedLookup(resolve: Resolve) {
  return (
    hostname: string,
    options: { all?: boolean; family?: number | string },
    callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolve(hostname, { ...options, all: true } as LookupAllOptions, (err, addresses) => {
      if (err) return callback(err, '');
      const bad = addresses.find((a) => refusedAddress(a.address));
      if (bad || !addresses.length) {
        const why = bad
          ? `${hostname} resolves to ${bad.address}, a ${refusedAddress(bad.address)} address`
          : `${hostname} has no address`;
        return callback(Object.assign(new Error(why), { [REFUSAL]: true }), '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/** Our refusal, if it is somewhere in the chain of causes undici wrapped it in. */
function refusalIn(error: unknown): Error | undefined {
  for (
    let e = error as { cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as never, depth++
  ) {
    if ((e as Record<symbol, unknown>)[REFUSAL]) return e as Error;
  }
  return undefined;
}

/**
 * The fetch an MCP client uses for one tenant server: https to public addresses only (checked on
 * the URL and again on every address the name resolves to at connect), no redirects (a redirect
 * could point anywhere), and an error answer replaced by its status: a target's error body can hold
 * what the tenant should not read (another service's page, an internal error), so it is not passed on.
 */
export function guardedFetch(server: string, policy: McpEndpointPolicy = {}): typeof fetch {
  const allowed = new Set((policy.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const guarded = new Agent({
    connect: { lookup: guardedLookup(policy.resolve ?? (systemLookup as Resolve)) },
  });
  const open = new Agent();
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const trusted = allowed.has(url.hostname.toLowerCase());
    const problem = trusted ? undefined : mcpServerUrlProblem(url.href);
    if (problem) throw new McpServerRefused(server, `its URL ${problem}`);
    let res: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      res = await undiciFetch(url, {
        ...(init as object),
        redirect: 'manual',
        dispatcher: trusted ? open : guarded,
      });
    } catch (e) {
      const refusal = refusalIn(e);
      if (refusal) throw new McpServerRefused(server, refusal.message);
      throw new McpServerRefused(server, `it could not be reached (${(e as Error).message})`);
    }
    if (res.status < 300) return res as unknown as Response;
    await res.body?.cancel().catch(() => {});
    const headers = new Headers(res.headers as unknown as Headers);
    for (const h of ['content-length', 'content-encoding', 'location']) headers.delete(h);
    headers.set('content-type', 'text/plain; charset=utf-8');
    const said = res.status < 400 ? 'a redirect, which is not followed' : 'an error';
    return new Response(`the MCP server answered HTTP ${res.status} (${said})`, {
      status: res.status,
      headers,
    });
  }) as typeof fetch;
}

/** The Streamable HTTP transport to an employee's MCP server, through the guarded fetch. */
export function mcpTransport(server: { name: string; url: string }, policy: McpEndpointPolicy = {}) {
  return new StreamableHTTPClientTransport(new URL(server.url), { fetch: guardedFetch(server.name, policy) });
}
