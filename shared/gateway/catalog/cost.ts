import type { TokenUsage } from '../types';

/** Prices of one model in integer micro-USD per million tokens. */
export interface ModelPrices {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok: number;
  /** Writing to the prompt cache (Anthropic: 1.25× input); absent where writes cost plain input. */
  cacheWritePerMTok?: number;
}

const TOKENS_PER_PRICE_UNIT = 1_000_000n;

/**
 * The cost of a call in integer micro-USD: the exact sum of tokens × price,
 * rounded up once at the end (never per token kind), so a sum of calls never
 * drifts below what the provider bills. BigInt keeps it exact for any counts.
 * `usage.inputTokens` is the uncached input, cache writes included; cache reads
 * are priced apart, and cache writes at their own rate where the model has one.
 */
export function costMicroUsd(usage: TokenUsage, prices: ModelPrices): number {
  const writes = BigInt(Math.min(usage.cacheWriteTokens ?? 0, usage.inputTokens));
  const writePrice = BigInt(prices.cacheWritePerMTok ?? prices.inputPerMTok);
  const numerator =
    (BigInt(usage.inputTokens) - writes) * BigInt(prices.inputPerMTok) +
    writes * writePrice +
    BigInt(usage.outputTokens) * BigInt(prices.outputPerMTok) +
    BigInt(usage.cachedInputTokens) * BigInt(prices.cachedInputPerMTok);
  return Number((numerator + TOKENS_PER_PRICE_UNIT - 1n) / TOKENS_PER_PRICE_UNIT);
}

/**
 * The most a call can cost: every prompt token uncached (and written to the
 * cache, where that costs more than plain input), every allowed output token used.
 */
export function worstCaseMicroUsd(
  promptTokens: number,
  maxOutputTokens: number,
  prices: ModelPrices,
): number {
  const writes = (prices.cacheWritePerMTok ?? 0) > prices.inputPerMTok ? promptTokens : 0;
  return costMicroUsd(
    {
      inputTokens: promptTokens,
      outputTokens: maxOutputTokens,
      cachedInputTokens: 0,
      cacheWriteTokens: writes,
    },
    prices,
  );
}
