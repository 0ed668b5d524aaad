import * as z from '../zod';

const MICRO_PER_USD = 1_000_000;

/**
 * A USD amount from an API body. Amounts are kept as integer micro-USD, so besides being positive
 * and at most `max` it must still be a positive whole number of micro-USD after rounding: 4e-7
 * would round to a budget of 0, which the store refuses (a 500 rather than the user's mistake).
 */
export function usdAmount(max: number) {
  return z.number().check(
    z.positive('must be more than 0'),
    z.maximum(max, `must be at most ${max}`),
    z.refine(
      (usd) => usd <= 0 || usd > max || Math.round(usd * MICRO_PER_USD) >= 1,
      'must be at least 0.000001 USD (one micro-USD); smaller amounts round to 0',
    ),
  );
}
