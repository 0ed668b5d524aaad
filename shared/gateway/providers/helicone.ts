import type { CallContext, TokenUsage } from '../types';

/** Routes a provider's calls through Helicone's gateway for logging, cost views and its response cache. */
export interface HeliconeOptions {
  apiKey: string;
  /** Helicone's gateway for the provider; a test points it at a fake server. */
  baseURL?: string;
}

export const HELICONE_OPENAI_BASE_URL = 'https://oai.helicone.ai/v1';
export const HELICONE_ANTHROPIC_BASE_URL = 'https://anthropic.helicone.ai';

/** Sent on every request of a client that goes through Helicone. */
export function heliconeAuthHeader(helicone: HeliconeOptions): Record<string, string> {
  return { 'Helicone-Auth': `Bearer ${helicone.apiKey}` };
}

/**
 * Per-call Helicone headers: who the call is for, as custom properties Helicone
 * can filter and sum by, and its response cache only when the tenant opted in.
 */
export function heliconeCallHeaders(context: CallContext): Record<string, string> {
  const headers: Record<string, string> = {
    'Helicone-Property-Tenant': context.tenantId,
    'Helicone-Property-Task': context.taskId,
    'Helicone-Property-Employee': context.employeeId,
  };
  if (context.stepId) headers['Helicone-Property-Step'] = context.stepId;
  if (context.heliconeCache === true) headers['Helicone-Cache-Enabled'] = 'true';
  return headers;
}

/**
 * Helicone answered from its response cache: it says so in `Helicone-Cache: HIT`, and the
 * provider was never called, so nothing was billed for the answer.
 */
export function servedFromHeliconeCache(headers: Headers | undefined): boolean {
  return headers?.get('helicone-cache')?.trim().toUpperCase() === 'HIT';
}

/** What a Helicone cache hit costs: no provider tokens (Helicone reports no cost of its own for it). */
export const HELICONE_CACHE_HIT_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
