/**
 * Money is integer micro-USD everywhere it is stored or summed; USD exists only at the edges
 * (API bodies, the price file, what people read). Every conversion between the two is here.
 */
export const MICRO_USD_PER_USD = 1_000_000;
const MICRO_PER_USD = BigInt(MICRO_USD_PER_USD);

/**
 * A decimal USD string ("3.00", "0.00875") as integer micro-USD, never through a float, so a
 * price in the data file is exactly the price charged.
 */
export function usdStringToMicroUsd(usd: string): number {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(usd.trim());
  if (!match) throw new Error(`'${usd}' is not a USD amount with at most 6 decimals`);
  const whole = BigInt(match[1]!);
  const fraction = BigInt((match[2] ?? '').padEnd(6, '0'));
  return Number(whole * MICRO_PER_USD + fraction);
}

/** A USD amount from a JSON body (a number) as integer micro-USD, to the nearest. */
export function usdToMicroUsd(usd: number): number {
  return Math.round(usd * MICRO_USD_PER_USD);
}

/** Integer micro-USD as a USD number, for API bodies (`monthlyBudgetUsd: 12.5`). */
export function microUsdToUsd(micro: number): number {
  return micro / MICRO_USD_PER_USD;
}

/** Micro-USD as dollars for people, cents at least and trailing zeros trimmed: 1234567 → "$1.234567". */
export function formatMicroUsd(micro: number): string {
  const sign = micro < 0 ? '-' : '';
  const abs = BigInt(Math.abs(micro));
  const whole = abs / MICRO_PER_USD;
  const fraction = (abs % MICRO_PER_USD)
    .toString()
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${sign}$${whole}.${fraction.padEnd(2, '0')}`;
}

/** Micro-USD as dollars with a fixed number of decimals: (1234567, 2) → "$1.23". */
export function formatMicroUsdFixed(micro: number, decimals: number): string {
  return `$${microUsdToUsd(micro).toFixed(decimals)}`;
}
