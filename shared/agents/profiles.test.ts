import { describe, expect, it } from 'vitest';
import { Catalog, modelLifecycle } from '../gateway/catalog/catalog';
import { BUILT_IN_PROFILES } from './profiles';

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
