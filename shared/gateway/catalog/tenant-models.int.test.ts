import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store';
import { freshStore } from '../../testing/dynamo';
import { Catalog } from './catalog';
import { deleteTenantModel, listTenantModelAudit, putTenantModel, TenantCatalogs } from './tenant-models';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

const haiku = {
  provider: 'anthropic',
  providerModelId: 'claude-haiku-4-5-20251001',
  contextWindow: 200_000,
  maxOutputTokens: 64_000,
  prices: { input: '1.00', output: '5.00', cachedInput: '0.10', cacheWrite: '1.25' },
};
const at = (iso: string) => ({ actor: 'key_ops', now: () => new Date(iso) });
const catalogFor = (tenantId: string) => new TenantCatalogs(store, Catalog.shipped()).for(tenantId);

describe('a tenant’s price overrides', () => {
  it('refuses a shipped model priced below the catalog, naming each field, unless it names the agreement', async () => {
    const cheaper = { ...haiku, prices: { ...haiku.prices, input: '0.50', cacheWrite: undefined } };
    const refused = await putTenantModel(store, 'floor', 'claude-haiku-4-5', cheaper).catch((e) => e);
    expect(refused).toMatchObject({ code: 'InvalidInput', status: 400 });
    expect(refused.issues.map((i: { path: string }) => i.path)).toEqual([
      'prices.input',
      'prices.cacheWrite',
    ]);
    expect(refused.message).toMatch(
      /prices\.input: 0\.50 is below the catalog's 1\.00 .*negotiated\.reference/,
    );
    expect((await catalogFor('floor')).get('claude-haiku-4-5')?.source).toBe('catalog');

    const dearer = await putTenantModel(store, 'floor', 'claude-haiku-4-5', {
      ...haiku,
      prices: { ...haiku.prices, output: '6.00' },
    });
    expect(dearer.listPrices.output).toBe('6.00');

    await putTenantModel(store, 'floor', 'claude-haiku-4-5', {
      ...cheaper,
      negotiated: { reference: 'Anthropic order form 2026-114' },
    });
    const seen = (await catalogFor('floor')).get('claude-haiku-4-5')!;
    expect(seen).toMatchObject({
      source: 'tenant',
      negotiated: { reference: 'Anthropic order form 2026-114' },
    });
    expect(seen.prices.inputPerMTok).toBe(500_000);
  });

  it('lets a tenant price its own model freely', async () => {
    const own = await putTenantModel(store, 'floor', 'my-llama', {
      provider: 'ollama',
      providerModelId: 'llama3.1:8b',
      contextWindow: 131_072,
      maxOutputTokens: 8_192,
      prices: { input: '0', output: '0', cachedInput: '0' },
    });
    expect(own.source).toBe('tenant');
  });

  it('records who changed a model, when, and what it replaced, for every put and delete', async () => {
    await putTenantModel(store, 'audited', 'claude-haiku-4-5', haiku, at('2026-12-01T10:00:00.000Z'));
    const negotiated = {
      ...haiku,
      prices: { ...haiku.prices, input: '0.80' },
      negotiated: { reference: 'PO-7' },
    };
    await putTenantModel(store, 'audited', 'claude-haiku-4-5', negotiated, at('2026-12-01T11:00:00.000Z'));
    await deleteTenantModel(store, 'audited', 'claude-haiku-4-5', at('2026-12-01T12:00:00.000Z'));
    const trail = await listTenantModelAudit(store, 'audited', 'claude-haiku-4-5');
    expect(trail.map((r) => [r.action, r.actor, r.at])).toEqual([
      ['put', 'key_ops', '2026-12-01T10:00:00.000Z'],
      ['put', 'key_ops', '2026-12-01T11:00:00.000Z'],
      ['delete', 'key_ops', '2026-12-01T12:00:00.000Z'],
    ]);
    expect(trail[0]!.previous).toBeNull();
    expect(trail[1]!.previous?.prices.input).toBe('1.00');
    expect(trail[1]!.entry?.negotiated).toEqual({ reference: 'PO-7' });
    expect(trail[1]!.catalogPrices).toMatchObject({ input: '1.00', output: '5.00' });
    expect(trail[2]!.previous?.prices.input).toBe('0.80');
    expect(trail[2]!.entry).toBeNull();
  });

  it('deletes an override so the shipped entry applies again, and answers NotFound when there is none', async () => {
    await putTenantModel(store, 'deleter', 'claude-haiku-4-5', {
      ...haiku,
      prices: { ...haiku.prices, output: '7.00' },
    });
    expect((await catalogFor('deleter')).get('claude-haiku-4-5')?.listPrices.output).toBe('7.00');
    await deleteTenantModel(store, 'deleter', 'claude-haiku-4-5');
    expect((await catalogFor('deleter')).get('claude-haiku-4-5')).toMatchObject({
      source: 'catalog',
      listPrices: { output: '5.00' },
    });
    await expect(deleteTenantModel(store, 'deleter', 'claude-haiku-4-5')).rejects.toMatchObject({
      code: 'NotFound',
      status: 404,
    });
  });

  it('keeps the retirement of a shipped model the override still calls', async () => {
    await putTenantModel(store, 'legacy', 'claude-sonnet-4-5', {
      provider: 'anthropic',
      providerModelId: 'claude-sonnet-4-5-20250929',
      contextWindow: 200_000,
      maxOutputTokens: 64_000,
      prices: { input: '2.00', output: '10.00', cachedInput: '0.20' },
      negotiated: { reference: 'old contract' },
    });
    expect((await catalogFor('legacy')).get('claude-sonnet-4-5')?.lifecycle?.retiresOn).toBe('2026-11-30');
  });
});
