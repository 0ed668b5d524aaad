import type { ProviderStatus } from '../providers/setup';
import type { Catalog, ModelCapabilities, PriceSource } from './catalog';
import { lifecycleState, type ModelLifecycle, utcDay } from './model-lifecycle';

/** What `GET /v1/models` and `techteam models` show. */
export interface ModelsView {
  catalog: { version: string; checkedAt: string };
  demo: boolean;
  providers: ProviderStatus[];
  models: Array<{
    id: string;
    provider: string;
    live: boolean;
    contextWindow: number;
    maxOutputTokens: number;
    /** USD per million tokens, as in the price file. */
    prices: { input: string; output: string; cachedInput: string; cacheWrite?: string };
    capabilities: ModelCapabilities;
    quality: number;
    source: 'catalog' | 'tenant' | 'config';
    /** Where the price was read and when (shipped entries). */
    priceSource?: PriceSource;
    /** The price could not be re-checked since its source's date. */
    unverified?: boolean;
    /** Deprecation and retirement dates: `techteam models --check` warns about models in use. */
    lifecycle?: ModelLifecycle;
    /** Why this deployment cannot call it (no Bedrock inference profile in its geography). */
    unavailable?: string;
    /** A tenant's rate below the catalog, with its agreement. */
    negotiated?: { reference: string };
  }>;
}

export function modelsView(catalog: Catalog, providers: ProviderStatus[], demo: boolean): ModelsView {
  const live = new Set(providers.filter((p) => p.live).map((p) => p.name));
  return {
    catalog: { version: catalog.version, checkedAt: catalog.checkedAt },
    demo,
    providers,
    models: catalog.list().map((m) => ({
      id: m.id,
      provider: m.provider,
      live: live.has(m.provider),
      contextWindow: m.contextWindow,
      maxOutputTokens: m.maxOutputTokens,
      prices: m.listPrices,
      capabilities: m.capabilities,
      quality: m.quality,
      source: m.source,
      ...(m.priceSource ? { priceSource: m.priceSource } : {}),
      ...(m.unverified ? { unverified: true } : {}),
      ...(m.lifecycle ? { lifecycle: m.lifecycle } : {}),
      ...(m.unavailable ? { unavailable: m.unavailable } : {}),
      ...(m.negotiated ? { negotiated: m.negotiated } : {}),
    })),
  };
}

/** What a row adds after `live`: where it comes from, its price's standing, its lifecycle. */
function rowNotes(m: ModelsView['models'][number], today: string): string {
  const life = lifecycleState(m.lifecycle, today);
  const notes = [
    m.source === 'catalog' ? '' : m.source,
    m.negotiated ? `negotiated: ${m.negotiated.reference}` : '',
    m.unverified ? 'price unverified' : '',
    life.state === 'active' ? '' : life.detail,
    m.unavailable ? 'no inference profile in this region' : '',
  ].filter(Boolean);
  return notes.length ? ` (${notes.join('; ')})` : '';
}

/** The view as a table for a terminal. */
export function formatModelsView(view: ModelsView, today = utcDay(new Date())): string {
  const lines: string[] = [];
  lines.push('Providers');
  for (const p of view.providers)
    lines.push(`  ${p.live ? 'live' : 'off '}  ${p.name.padEnd(18)} ${p.detail}`);
  if (view.demo) {
    lines.push(
      '',
      '  Only the demo model is live: it is scripted and deterministic, and plays the built-in samples.',
    );
  }
  lines.push(
    '',
    `Catalog ${view.catalog.version} (prices checked ${view.catalog.checkedAt}; USD per million tokens)`,
  );
  lines.push(
    `  ${'model'.padEnd(28)} ${'provider'.padEnd(18)} ${'context'.padStart(9)} ${'input'.padStart(8)} ${'output'.padStart(8)} ${'cached'.padStart(8)}  live`,
  );
  for (const m of view.models) {
    lines.push(
      `  ${m.id.padEnd(28)} ${m.provider.padEnd(18)} ${String(m.contextWindow).padStart(9)} ${m.prices.input.padStart(8)} ${m.prices.output.padStart(8)} ${m.prices.cachedInput.padStart(8)}  ${m.live ? 'yes' : 'no'}${rowNotes(m, today)}`,
    );
  }
  return lines.join('\n');
}
