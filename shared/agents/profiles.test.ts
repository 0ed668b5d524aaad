import { describe, expect, it } from 'vitest';
import { Catalog, modelLifecycle } from '../gateway/catalog/catalog';
import { BUILT_IN_PROFILES, builtInProfiles } from './profiles';

const catalog = Catalog.shipped();

describe('built-in employees', () => {
  it.each(BUILT_IN_PROFILES.map((p) => [p.id, p] as const))(
    '%s defaults and falls back only to active catalog models',
    (_id, profile) => {
      for (const id of [profile.defaultModel, ...profile.fallbacks]) {
        const model = catalog.get(id);
        expect(model, id).toBeDefined();
        expect(modelLifecycle(model!, catalog.checkedAt), id).toEqual({ state: 'active' });
        expect(model!.unverified ?? false, `${id} has an unverified price`).toBe(false);
      }
      for (const id of profile.allowedModels) {
        expect(modelLifecycle(catalog.get(id)!, catalog.checkedAt).state, id).not.toBe('retired');
      }
    },
  );

  it('gives the employees that answer through a response schema a default that takes one', () => {
    for (const id of ['super-agent', 'qa']) {
      const profile = BUILT_IN_PROFILES.find((p) => p.id === id)!;
      expect(catalog.get(profile.defaultModel)!.capabilities.structuredOutput, id).toBe(true);
    }
  });
});

describe('builtInProfiles', () => {
  it('allows and tries the operator’s models after each employee’s own and before the demo', () => {
    const before = JSON.stringify(BUILT_IN_PROFILES);
    const team = builtInProfiles(['llama3.1:8b', 'gpt-5.6-luna']);
    const dev = team.find((p) => p.id === 'dev')!;
    // gpt-5.6-luna is allowed already (it keeps its place) but is not among Dev's fallbacks.
    expect(dev.allowedModels.slice(-3)).toEqual(['nova-pro', 'llama3.1:8b', 'demo-1']);
    expect(dev.allowedModels.filter((m) => m === 'gpt-5.6-luna')).toHaveLength(1);
    expect(dev.fallbacks.slice(-4)).toEqual(['nova-pro', 'llama3.1:8b', 'gpt-5.6-luna', 'demo-1']);
    for (const profile of team) {
      expect(profile.allowedModels.at(-1), profile.id).toBe('demo-1');
      expect(profile.fallbacks).toContain('llama3.1:8b');
    }
    // The shipped profiles are never changed: the API and the workflow of a stack see one roster.
    expect(JSON.stringify(BUILT_IN_PROFILES)).toBe(before);
  });

  it('is the shipped roster itself when the operator configured no model', () => {
    expect(builtInProfiles([])).toBe(BUILT_IN_PROFILES);
  });
});
