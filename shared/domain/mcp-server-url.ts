import { BlockList, isIP } from 'node:net';
import * as z from '../zod';

/**
 * Addresses an employee's MCP server may not be at: this machine, the cloud's metadata and
 * credential endpoints (169.254.169.254, 169.254.170.2 are link-local), private networks, and
 * addresses that are not a single host. A tenant's URL is fetched from inside our network, so
 * each of these would let a tenant reach what only we should.
 */
const REFUSED: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'this host (0.0.0.0/8)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared address space'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fc00::', 7, 'ipv6', 'unique local (private)'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  ['::ffff:0:0', 96, 'ipv6', 'IPv4-mapped'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64 (IPv4-translated)'],
];

const lists = REFUSED.map(([network, prefix, type, reason]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, type);
  return { list, type, reason };
});

/** Why an IP address may not be an MCP server's, or undefined when it is a public address. */
export function refusedAddress(ip: string): string | undefined {
  const bare = ip.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 0) return undefined;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return lists.find((l) => l.type === type && l.list.check(bare, type))?.reason;
}

/**
 * Why a URL may not name an employee's MCP server, or undefined when it may. Only https; a host
 * written as an address is checked here, a name is checked again when it is resolved (at connect
 * time, so a name that later resolves to a refused address is refused then).
 */
export function mcpServerUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be a URL';
  }
  if (parsed.protocol !== 'https:') return `must use https (not ${parsed.protocol.replace(/:$/, '')})`;
  if (parsed.username || parsed.password) return 'must not carry a user name or password';
  const host = parsed.hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not be this machine (localhost)';
  const refused = refusedAddress(host);
  return refused ? `must not be a ${refused} address (${host})` : undefined;
}

export const MCP_URL_MAX_CHARS = 2_048;

/** An employee's MCP server URL as the API takes it: https to a public host. */
export const McpServerUrl = z.string().check(
  z.maxLength(MCP_URL_MAX_CHARS, `must be at most ${MCP_URL_MAX_CHARS} characters`),
  z.superRefine((url, ctx) => {
    const problem = mcpServerUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: url });
  }),
);
