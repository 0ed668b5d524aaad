import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog';
import { ModelNotAllowed } from '../errors';
import { rankModels } from './router';

const catalog = Catalog.shipped();
const known = catalog.list().map((m) => m.id);

const profileArb = fc
  .tuple(
    fc.uniqueArray(fc.constantFrom(...known, 'not-a-model'), { minLength: 1, maxLength: 8 }),
    fc.array(fc.constantFrom(...known, 'not-a-model'), { maxLength: 4 }),
    fc.nat(),
  )
  .map(([allowedModels, extra, pick]) => ({
    id: 'dev',
    allowedModels,
    defaultModel: allowedModels[pick % allowedModels.length]!,
    // Fallbacks may name anything; the router must still stay inside the allowed list.
    fallbacks: extra,
  }));

describe('rankModels', () => {
  it('never picks a model outside the employee’s allowed list, and tries each allowed one once', () => {
    fc.assert(
      fc.property(
        profileArb,
        fc.constantFrom('quality', 'balanced', 'cheap' as const),
        fc.integer({ min: 1, max: 300_000 }),
        (profile, preference, promptTokens) => {
          const ranked = rankModels(profile, preference, catalog, { promptTokens, maxOutputTokens: 4096 });
          const ids = ranked.map((c) => ('model' in c ? c.model.id : c.id));
          expect(ids.every((id) => profile.allowedModels.includes(id))).toBe(true);
          expect(new Set(ids).size).toBe(ids.length);
          expect(new Set(ids)).toEqual(new Set(profile.allowedModels));
        },
      ),
    );
  });

  it('follows the profile when balanced, price when cheap, rating when quality', () => {
    const profile = {
      id: 'dev',
      allowedModels: ['gpt-4.1-mini', 'claude-opus-5-5', 'claude-sonnet-4-6', 'gpt-4.1-nano'],
      defaultModel: 'claude-sonnet-4-6',
      fallbacks: ['gpt-4.1-mini'],
    };
    const ids = (p: 'quality' | 'balanced' | 'cheap') =>
      rankModels(profile, p, catalog, { promptTokens: 1000, maxOutputTokens: 1000 }).map((c) =>
        'model' in c ? c.model.id : c.id,
      );
    expect(ids('balanced')).toEqual(['claude-sonnet-4-6', 'gpt-4.1-mini', 'claude-opus-5-5', 'gpt-4.1-nano']);
    expect(ids('cheap')).toEqual(['gpt-4.1-nano', 'gpt-4.1-mini', 'claude-sonnet-4-6', 'claude-opus-5-5']);
    expect(ids('quality')).toEqual(['claude-opus-5-5', 'claude-sonnet-4-6', 'gpt-4.1-mini', 'gpt-4.1-nano']);
  });

  it('puts a task’s preferred model first, the rest in the preference’s order after it', () => {
    const profile = {
      id: 'dev',
      allowedModels: ['gpt-4.1-mini', 'claude-opus-5-5', 'claude-sonnet-4-6', 'gpt-4.1-nano'],
      defaultModel: 'claude-sonnet-4-6',
      fallbacks: ['gpt-4.1-mini'],
    };
    const ids = (p: 'quality' | 'balanced' | 'cheap', preferred: string) =>
      rankModels(profile, p, catalog, { promptTokens: 1000, maxOutputTokens: 1000, preferred }).map((c) =>
        'model' in c ? c.model.id : c.id,
      );
    expect(ids('balanced', 'gpt-4.1-nano')).toEqual([
      'gpt-4.1-nano',
      'claude-sonnet-4-6',
      'gpt-4.1-mini',
      'claude-opus-5-5',
    ]);
    expect(ids('cheap', 'claude-opus-5-5')).toEqual([
      'claude-opus-5-5',
      'gpt-4.1-nano',
      'gpt-4.1-mini',
      'claude-sonnet-4-6',
    ]);
    // A preference the profile no longer allows (it changed after the task was made) is ignored.
    expect(ids('balanced', 'gpt-5.6-luna')).toEqual([
      'claude-sonnet-4-6',
      'gpt-4.1-mini',
      'claude-opus-5-5',
      'gpt-4.1-nano',
    ]);
  });

  it('refuses a pinned model the employee may not use, listing the ones it may', () => {
    const profile = {
      id: 'qa',
      allowedModels: ['gpt-4.1', 'my-model'],
      defaultModel: 'gpt-4.1',
      fallbacks: [],
    };
    const refuse = (pinned: string) => {
      try {
        rankModels(profile, 'balanced', catalog, { promptTokens: 1, maxOutputTokens: 1, pinned });
      } catch (e) {
        return e as ModelNotAllowed;
      }
      throw new Error('expected a refusal');
    };
    const notAllowed = refuse('claude-opus-5-5');
    expect(notAllowed).toBeInstanceOf(ModelNotAllowed);
    expect(notAllowed.code).toBe('ModelNotAllowed');
    expect(notAllowed.message).toContain('Allowed: gpt-4.1, my-model');
    const unknown = refuse('my-model');
    expect(unknown.code).toBe('UnknownModel');
    expect(unknown.message).toContain('may use: gpt-4.1, my-model');
  });
});
