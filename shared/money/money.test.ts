import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMicroUsd,
  formatMicroUsdFixed,
  microUsdToUsd,
  usdStringToMicroUsd,
  usdToMicroUsd,
} from './money';

describe('money units', () => {
  it('reads decimal USD strings exactly, without float error', () => {
    expect(usdStringToMicroUsd('3.00')).toBe(3_000_000);
    expect(usdStringToMicroUsd('0.00875')).toBe(8_750);
    expect(usdStringToMicroUsd('0.1')).toBe(100_000);
    expect(() => usdStringToMicroUsd('0.0000001')).toThrow(/at most 6 decimals/);
    expect(() => usdStringToMicroUsd('-1')).toThrow();
  });

  it('turns an API body amount into micro-USD to the nearest, and back', () => {
    expect(usdToMicroUsd(12.5)).toBe(12_500_000);
    expect(usdToMicroUsd(0.0000004)).toBe(0);
    expect(usdToMicroUsd(0.0000006)).toBe(1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_000 }), (micro) => {
        expect(usdToMicroUsd(microUsdToUsd(micro))).toBe(micro);
      }),
    );
  });

  it('formats for people: cents at least, trailing zeros trimmed, or a fixed number of decimals', () => {
    expect(formatMicroUsd(15_000_000)).toBe('$15.00');
    expect(formatMicroUsd(8_750)).toBe('$0.00875');
    expect(formatMicroUsd(1)).toBe('$0.000001');
    expect(formatMicroUsd(-2_500_000)).toBe('-$2.50');
    expect(formatMicroUsdFixed(1_234_567, 2)).toBe('$1.23');
    expect(formatMicroUsdFixed(8_750, 6)).toBe('$0.008750');
  });
});
