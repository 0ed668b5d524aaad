import { describe, expect, it } from 'vitest';
import { Catalog } from './catalog';
import { checkModelsInUse } from './models-in-use';
import { modelsView } from './models-view';

const view = modelsView(Catalog.shipped(), [], false);
const employee = (id: string, defaultModel: string, fallbacks: string[], allowed: string[]) => ({
  id,
  defaultModel,
  fallbacks,
  allowedModels: [defaultModel, ...fallbacks, ...allowed],
});

describe('models in use', () => {
  it('names each retired, deprecated or unknown model with where it is used, retired first', () => {
    const findings = checkModelsInUse(
      view,
      [
        employee('writer', 'claude-sonnet-4-5', ['claude-sonnet-4-6'], ['gpt-9']),
        employee('critic', 'claude-sonnet-4-6', ['claude-opus-4-1'], []),
      ],
      '2026-12-02',
    );
    expect(findings).toEqual([
      {
        model: 'claude-opus-4-1',
        severity: 'retired',
        detail: 'retired by its provider',
        usedBy: ['fallback of critic', 'allowed for critic'],
      },
      {
        model: 'claude-sonnet-4-5',
        severity: 'retired',
        detail: 'retired on 2026-11-30',
        usedBy: ['default of writer', 'allowed for writer'],
      },
      { model: 'gpt-9', severity: 'unknown', detail: 'not in the catalog', usedBy: ['allowed for writer'] },
    ]);
  });

  it('warns, without failing, about a model that retires later', () => {
    const [finding] = checkModelsInUse(view, [employee('writer', 'claude-sonnet-4-5', [], [])], '2026-11-01');
    expect(finding).toMatchObject({ severity: 'deprecated', detail: 'deprecated, retires on 2026-11-30' });
  });

  it('counts a tenant’s own entries as in use', () => {
    const sonnet = Catalog.shipped().get('claude-sonnet-4-5')!;
    const withOverride = modelsView(Catalog.shipped().with([{ ...sonnet, source: 'tenant' }]), [], false);
    expect(checkModelsInUse(withOverride, [], '2026-12-02')).toEqual([
      expect.objectContaining({
        model: 'claude-sonnet-4-5',
        severity: 'retired',
        usedBy: ['tenant override'],
      }),
    ]);
  });
});
