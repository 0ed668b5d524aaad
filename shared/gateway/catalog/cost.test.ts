import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMicroUsd, usdStringToMicroUsd } from '../../money';
import { Catalog } from './catalog';
import { costMicroUsd, worstCaseMicroUsd } from './cost';

const tokens = fc.integer({ min: 0, max: 50_000_000 });
const price = fc.integer({ min: 0, max: 500_000_000 }); // up to $500 per million tokens

describe('cost arithmetic', () => {
  it('is the exact sum of tokens × price, rounded up once, for any counts', () => {
    fc.assert(
      fc.property(tokens, tokens, tokens, price, price, price, (i, o, c, pi, po, pc) => {
        const cost = costMicroUsd(
          { inputTokens: i, outputTokens: o, cachedInputTokens: c },
          { inputPerMTok: pi, outputPerMTok: po, cachedInputPerMTok: pc },
        );
        const exact = BigInt(i) * BigInt(pi) + BigInt(o) * BigInt(po) + BigInt(c) * BigInt(pc);
        expect(Number.isSafeInteger(cost)).toBe(true);
        // cost is the least integer micro-USD that covers the exact amount
        expect(BigInt(cost) * 1_000_000n >= exact).toBe(true);
        expect(BigInt(cost - 1) * 1_000_000n < exact || cost === 0).toBe(true);
      }),
    );
  });

  it('never charges less for two calls than for their tokens billed together', () => {
    fc.assert(
      fc.property(tokens, tokens, tokens, tokens, price, price, (i1, o1, i2, o2, pi, po) => {
        const prices = { inputPerMTok: pi, outputPerMTok: po, cachedInputPerMTok: 0 };
        const a = costMicroUsd({ inputTokens: i1, outputTokens: o1, cachedInputTokens: 0 }, prices);
        const b = costMicroUsd({ inputTokens: i2, outputTokens: o2, cachedInputTokens: 0 }, prices);
        const both = costMicroUsd(
          { inputTokens: i1 + i2, outputTokens: o1 + o2, cachedInputTokens: 0 },
          prices,
        );
        expect(a + b).toBeGreaterThanOrEqual(both);
        expect(a + b - both).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('bounds every real call by its worst case when output stays under the cap', () => {
    fc.assert(
      fc.property(
        tokens,
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        price,
        price,
        (prompt, cap, used, pi, po) => {
          const prices = { inputPerMTok: pi, outputPerMTok: po, cachedInputPerMTok: Math.floor(pi / 10) };
          const cached = Math.floor(prompt / 3);
          const real = costMicroUsd(
            { inputTokens: prompt - cached, outputTokens: Math.min(used, cap), cachedInputTokens: cached },
            prices,
          );
          expect(real).toBeLessThanOrEqual(worstCaseMicroUsd(prompt, cap, prices));
        },
      ),
    );
  });

  it('prices cache writes at their own rate, and bounds them in the worst case', () => {
    const sonnet = Catalog.shipped().get('claude-sonnet-4-6')!;
    // 1,000 input tokens of which 400 written to the cache: 600 × $3 + 400 × $3.75 per million
    expect(
      costMicroUsd(
        { inputTokens: 1_000, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 400 },
        sonnet.prices,
      ),
    ).toBe(1_800 + 1_500);
    fc.assert(
      fc.property(tokens, tokens, fc.integer({ min: 0, max: 100_000 }), (prompt, writesRaw, cap) => {
        const writes = Math.min(writesRaw, prompt);
        const real = costMicroUsd(
          { inputTokens: prompt, outputTokens: cap, cachedInputTokens: 0, cacheWriteTokens: writes },
          sonnet.prices,
        );
        expect(real).toBeLessThanOrEqual(worstCaseMicroUsd(prompt, cap, sonnet.prices));
      }),
    );
  });

  it('reads prices from decimal strings without float error', () => {
    expect(usdStringToMicroUsd('3.00')).toBe(3_000_000);
    expect(usdStringToMicroUsd('0.00875')).toBe(8_750);
    expect(usdStringToMicroUsd('0.1')).toBe(100_000);
    expect(() => usdStringToMicroUsd('0.0000001')).toThrow(/at most 6 decimals/);
    expect(() => usdStringToMicroUsd('-1')).toThrow();
    // 1 M tokens of claude-sonnet-4-6 output is $15 exactly, not 14.999999…
    const sonnet = Catalog.shipped().get('claude-sonnet-4-6')!;
    expect(
      costMicroUsd({ inputTokens: 0, outputTokens: 1_000_000, cachedInputTokens: 0 }, sonnet.prices),
    ).toBe(15_000_000);
    expect(formatMicroUsd(15_000_000)).toBe('$15.00');
    expect(formatMicroUsd(8_750)).toBe('$0.00875');
    expect(formatMicroUsd(1)).toBe('$0.000001');
  });

  it('ships a catalog whose every entry has a provider, a window and prices, dated', () => {
    const catalog = Catalog.shipped();
    expect(catalog.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const providers = new Set(catalog.list().map((m) => m.provider));
    expect([...providers].sort()).toEqual(['anthropic', 'bedrock', 'demo', 'openai']);
    for (const m of catalog.list()) {
      expect(m.contextWindow).toBeGreaterThan(m.maxOutputTokens);
      expect(m.prices.inputPerMTok).toBeGreaterThanOrEqual(m.prices.cachedInputPerMTok);
    }
  });
});
