import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Catalog, modelLifecycle, unroutableReason } from './catalog';
import { regionGroupsOf } from './region-groups';

const shipped = Catalog.shipped();
const model = (id: string) => {
  const m = shipped.get(id);
  if (!m) throw new Error(`${id} is not in the shipped catalog`);
  return m;
};

/** DEPRECATED_MODELS of the Anthropic SDK the project ships: model id → retirement day (YYYY-MM-DD). */
function anthropicSdkRetirements(): Map<string, string> {
  const sdkDir = dirname(createRequire(import.meta.url).resolve('@anthropic-ai/sdk'));
  const text = readFileSync(join(sdkDir, 'internal/data/deprecated-models.js'), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/'([a-z0-9.-]+)':\s*'([A-Za-z]+) (\d+)(?:st|nd|rd|th), (\d{4})'/g)) {
    const day = new Date(`${m[2]} ${m[3]}, ${m[4]} UTC`).toISOString().slice(0, 10);
    out.set(m[1]!, day);
  }
  return out;
}

describe('the shipped catalog', () => {
  it('names a price source and the day it was read for every priced model', () => {
    for (const m of shipped.list().filter((m) => m.provider !== 'demo')) {
      expect(m.priceSource?.url, m.id).toMatch(/\S/);
      expect(m.priceSource?.readOn, m.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    expect(shipped.checkedAt >= '2026-12-01').toBe(true);
  });

  it('prices the regional Bedrock Claude profiles 10 % over the published rate', () => {
    expect(model('bedrock-claude-sonnet-4-5').listPrices).toMatchObject({ input: '3.30', output: '16.50' });
    expect(model('bedrock-claude-haiku-4-5').listPrices).toMatchObject({ input: '1.10', output: '5.50' });
    expect(model('bedrock-claude-haiku-4-5-global').listPrices).toMatchObject({
      input: '1.00',
      output: '5.00',
    });
  });

  it('carries the retirement dates of the Anthropic SDK the project ships', () => {
    const retirements = anthropicSdkRetirements();
    expect(retirements.get('claude-sonnet-4-5')).toBe('2026-11-30');
    for (const m of shipped.list().filter((m) => m.provider === 'anthropic')) {
      const sdkDay = retirements.get(m.providerModelId) ?? retirements.get(m.id);
      if (sdkDay) expect(m.lifecycle?.retiresOn, m.id).toBe(sdkDay);
    }
  });

  it('knows claude-sonnet-4-5 retired on 2026-11-30 and claude-opus-4-1 is retired', () => {
    expect(modelLifecycle(model('claude-sonnet-4-5'), '2026-11-29')).toEqual({
      state: 'deprecated',
      detail: 'deprecated, retires on 2026-11-30',
    });
    expect(modelLifecycle(model('claude-sonnet-4-5'), '2026-11-30').state).toBe('retired');
    expect(unroutableReason(model('claude-sonnet-4-5'), '2026-12-02')).toMatch(/retired on 2026-11-30/);
    expect(modelLifecycle(model('claude-opus-4-1'), '2026-01-01').state).toBe('retired');
    expect(unroutableReason(model('claude-sonnet-4-6'), '2026-12-02')).toBeUndefined();
  });

  it('does not offer a response schema or a forced tool on models that refuse forced tool use', () => {
    for (const id of ['claude-sonnet-5-5', 'claude-opus-5-5']) {
      expect(model(id).capabilities).toMatchObject({
        structuredOutput: false,
        toolChoice: false,
        tools: true,
      });
    }
  });
});

describe('Bedrock profiles by region', () => {
  it('maps AWS regions to the profile geographies they may call', () => {
    expect(regionGroupsOf('us-east-1')).toEqual(['us', 'global']);
    expect(regionGroupsOf('eu-central-1')).toEqual(['eu', 'global']);
    expect(regionGroupsOf('ap-northeast-1')).toEqual(['jp', 'apac', 'global']);
    expect(regionGroupsOf('ap-southeast-2')).toEqual(['au', 'apac', 'global']);
    expect(regionGroupsOf('ap-south-1')).toEqual(['apac', 'global']);
    expect(regionGroupsOf('us-gov-west-1')).toEqual([]);
  });

  it('calls the profile of the stack’s own geography', () => {
    const id = (region: string, model: string) => shipped.inRegion(region).get(model)?.providerModelId;
    expect(id('us-west-2', 'bedrock-claude-sonnet-4-6')).toBe('us.anthropic.claude-sonnet-4-6');
    expect(id('eu-west-1', 'bedrock-claude-sonnet-4-6')).toBe('eu.anthropic.claude-sonnet-4-6');
    expect(id('ap-northeast-1', 'bedrock-claude-haiku-4-5')).toBe(
      'jp.anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    expect(id('ap-southeast-2', 'bedrock-claude-haiku-4-5')).toBe(
      'au.anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    expect(id('eu-west-3', 'nova-pro')).toBe('eu.amazon.nova-pro-v1:0');
    expect(id('ap-south-1', 'bedrock-claude-sonnet-4-6-global')).toBe('global.anthropic.claude-sonnet-4-6');
    expect(id('eu-west-1', 'gpt-5.6-terra')).toBe('gpt-5.6-terra');
  });

  it('keeps a model with no profile in the region listed, unavailable, saying why', () => {
    const mumbai = shipped.inRegion('ap-south-1');
    expect(unroutableReason(mumbai.get('bedrock-claude-sonnet-4-6')!, '2026-12-02')).toMatch(
      /no Bedrock inference profile for ap-south-1 .*this model has: us, eu, jp, au/,
    );
    expect(unroutableReason(mumbai.get('nova-pro')!, '2026-12-02')).toMatch(/ap-south-1/);
    expect(unroutableReason(mumbai.get('bedrock-claude-sonnet-4-6-global')!, '2026-12-02')).toBeUndefined();
  });
});
