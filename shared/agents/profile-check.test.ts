import { describe, expect, it } from 'vitest';
import { EmployeeProfileInput, parseInput } from '../domain';
import { InvalidInput } from '../errors';
import { Catalog } from '../gateway/catalog/catalog';
import { checkEmployeeProfile } from './profile-check';

const catalog = Catalog.shipped();
const model = catalog.list()[0]!.id;
const profile = (over: Record<string, unknown>) =>
  parseInput(EmployeeProfileInput, {
    name: 'Docs writer',
    rolePrompt: 'Writes the docs',
    allowedModels: [model],
    defaultModel: model,
    tools: ['workspace.read'],
    ...over,
  });

/** The error the check throws, for its message and the field it names. */
function refusal(input: ReturnType<typeof profile>): InvalidInput {
  try {
    checkEmployeeProfile(input, catalog);
  } catch (e) {
    if (e instanceof InvalidInput) return e;
    throw e;
  }
  throw new Error('the profile was accepted');
}

describe('checkEmployeeProfile', () => {
  it('accepts built-in tools, tools of its own MCP servers, and catalog models', () => {
    const input = profile({
      tools: ['workspace.read', 'docs.search'],
      mcpServers: [{ name: 'docs', url: 'https://mcp.example.com/docs' }],
    });
    expect(() => checkEmployeeProfile(input, catalog)).not.toThrow();
  });

  it('refuses an unknown tool, naming the field and the tools it knows', () => {
    const e = refusal(profile({ tools: ['workspace.read', 'shell.exec'] }));
    expect(e.message).toMatch(/tools: unknown tool\(s\) shell\.exec/);
    expect(e.toJSON().error.details).toEqual({ issues: [expect.objectContaining({ path: 'tools' })] });
  });

  it('refuses a model outside the catalog, naming the field and pointing at PUT /v1/models', () => {
    const e = refusal(profile({ allowedModels: [model, 'no-such-model'] }));
    expect(e.message).toMatch(/allowedModels: unknown model\(s\) no-such-model/);
    expect(JSON.stringify(e.toJSON())).toMatch(/allowedModels.*PUT \/v1\/models/);
  });
});
