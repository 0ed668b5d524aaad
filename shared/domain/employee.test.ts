import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors';
import { EMPLOYEE_LIMITS, EmployeeId, EmployeeProfileInput } from './employee';
import { parseInput } from './parse';

const writer = {
  name: 'Tech Writer',
  rolePrompt: 'You write clear documentation.',
  allowedModels: ['demo-1'],
  defaultModel: 'demo-1',
};

function issuesOf(body: unknown) {
  try {
    parseInput(EmployeeProfileInput, body);
  } catch (e) {
    if (e instanceof InvalidInput) return e.issues;
    throw e;
  }
  return [];
}

describe('EmployeeProfileInput', () => {
  it('refuses a 600 KB role prompt by field, saying the cap (it would not fit a 400 KB item)', () => {
    const issues = issuesOf({ ...writer, rolePrompt: 'x'.repeat(600 * 1024) });
    expect(issues).toEqual([
      { path: 'rolePrompt', message: `must be at most ${EMPLOYEE_LIMITS.rolePromptChars} characters` },
    ]);
  });

  it('caps the name, the lists and the length of each entry', () => {
    const long = 'm'.repeat(EMPLOYEE_LIMITS.entryChars + 1);
    const many = Array.from({ length: EMPLOYEE_LIMITS.listEntries + 1 }, (_, i) => `workspace.t${i}`);
    const paths = issuesOf({
      ...writer,
      name: 'n'.repeat(EMPLOYEE_LIMITS.nameChars + 1),
      fallbacks: [long],
      tools: many,
    }).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'fallbacks.0', 'tools']));
  });

  it('keeps a profile at every cap under 400 KB, even at 4 bytes a character', () => {
    const L = EMPLOYEE_LIMITS;
    const wide = (n: number) => '😀'.repeat(n / 2);
    const list = Array.from({ length: L.listEntries }, () => wide(L.entryChars));
    const profile = parseInput(EmployeeProfileInput, {
      name: wide(L.nameChars),
      rolePrompt: wide(L.rolePromptChars),
      allowedModels: list,
      defaultModel: list[0],
      fallbacks: list,
      tools: list,
      mcpServers: Array.from({ length: L.mcpServers }, (_, i) => ({
        name: `s${i}`,
        url: `https://example.com/${'p'.repeat(2_000)}`,
      })),
    });
    expect(Buffer.byteLength(JSON.stringify(profile))).toBeLessThan(300 * 1024);
  });
});

describe('an employee id', () => {
  it("refuses 'memory', the id team memory's embedding usage is recorded under, saying so", () => {
    const refused = EmployeeId.safeParse('memory');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toMatch(/reserved for team memory/);
    expect(EmployeeId.safeParse('memory-keeper').success).toBe(true);
  });
});

describe('an employee’s MCP server URL', () => {
  const withUrl = (url: string) => issuesOf({ ...writer, mcpServers: [{ name: 'docs', url }] });

  it('takes https to a public host', () => {
    expect(withUrl('https://mcp.example.com/mcp')).toEqual([]);
    expect(withUrl('https://93.184.215.14/mcp')).toEqual([]);
  });

  it.each([
    ['file:///etc/passwd', /must use https \(not file\)/],
    ['http://mcp.example.com/mcp', /must use https \(not http\)/],
    ['https://localhost:8080/mcp', /localhost/],
    ['https://127.0.0.1/mcp', /loopback/],
    ['https://[::1]/mcp', /loopback/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    ['https://169.254.170.2/v2/credentials', /link-local/],
    ['https://0.0.0.0/mcp', /this host/],
    ['https://10.1.2.3/mcp', /private/],
    ['https://192.168.1.1/mcp', /private/],
    ['https://[fe80::1]/mcp', /link-local/],
    ['https://[::ffff:127.0.0.1]/mcp', /IPv4-mapped/],
    ['https://2130706433/mcp', /loopback/],
    ['https://user:pw@mcp.example.com/mcp', /user name or password/],
    ['not a url', /must be a URL/],
  ])('refuses %s, naming the field', (url, why) => {
    const issues = withUrl(url);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('mcpServers.0.url');
    expect(issues[0]?.message).toMatch(why);
  });
});
