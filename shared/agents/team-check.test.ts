import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors';
import { BUILT_IN_PROFILES } from './profiles';
import { checkTaskTeam, type TeamModelRow } from './team-check';

const models: TeamModelRow[] = [
  { id: 'demo-1', provider: 'demo', live: true },
  { id: 'gpt-5.6-luna', provider: 'openai', live: false },
  { id: 'bedrock-claude-sonnet-4-6', provider: 'bedrock', live: true, unavailable: 'no inference profile' },
  { id: 'tenant-llama', provider: 'openai-compatible', live: true },
];

function refusal(team: Parameters<typeof checkTaskTeam>[0]): { path: string; message: string } {
  try {
    checkTaskTeam(team, BUILT_IN_PROFILES, models);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInput);
    return (e as InvalidInput).issues[0]!;
  }
  throw new Error('the team was accepted');
}

describe('checkTaskTeam', () => {
  it('accepts a reduced team with a live, allowed model for an employee on it', () => {
    expect(() =>
      checkTaskTeam(
        { employees: ['researcher', 'dev'], models: { dev: 'demo-1', 'super-agent': 'demo-1' } },
        BUILT_IN_PROFILES,
        models,
      ),
    ).not.toThrow();
  });

  it('refuses an unknown employee, naming its place in the list', () => {
    expect(refusal({ employees: ['dev', 'designer'] })).toMatchObject({
      path: 'team.employees.1',
      message: expect.stringMatching(/unknown employee 'designer'/),
    });
  });

  it('refuses a team with nobody to take the steps', () => {
    expect(refusal({ employees: ['super-agent'] }).path).toBe('team.employees');
  });

  it('refuses a model the employee may not use, is not in the catalog, or has no live provider', () => {
    expect(refusal({ employees: ['dev'], models: { dev: 'tenant-llama' } })).toMatchObject({
      path: 'team.models.dev',
      message: expect.stringMatching(/not one of dev's allowed models/),
    });
    expect(refusal({ employees: ['dev'], models: { dev: 'nova-pro' } }).message).toMatch(
      /not in this tenant's model catalog/,
    );
    expect(refusal({ employees: ['dev'], models: { dev: 'gpt-5.6-luna' } }).message).toMatch(
      /'gpt-5.6-luna' is not live: its provider 'openai'/,
    );
    expect(refusal({ employees: ['dev'], models: { dev: 'bedrock-claude-sonnet-4-6' } }).message).toMatch(
      /cannot be called here: no inference profile/,
    );
  });

  it('refuses a model for an employee left off the team', () => {
    expect(refusal({ employees: ['dev'], models: { qa: 'demo-1' } })).toMatchObject({
      path: 'team.models.qa',
      message: expect.stringMatching(/not on this task's team/),
    });
  });
});
