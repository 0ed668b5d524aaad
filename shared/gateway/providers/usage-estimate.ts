import { type CountTokens, loadTokenCounter } from '../routing/token-counter';
import type { ModelRequest, TokenUsage } from '../types';

/** Chat formatting adds a few tokens per message around its content (OpenAI's documented overhead). */
const TOKENS_PER_MESSAGE = 4;

/**
 * gpt-tokenizer's o200k_base counter (loaded on first use: only failed or
 * usage-less calls need it); where the package is missing, ~4 characters a token.
 */
async function loadCounter(): Promise<CountTokens> {
  return (await loadTokenCounter()) ?? ((text: string) => Math.ceil(text.length / 4));
}

function promptText(request: ModelRequest): string {
  const parts: string[] = [];
  if (request.system) parts.push(request.system);
  for (const message of request.messages) {
    parts.push(message.content);
    if (message.role === 'assistant' && message.toolCalls?.length)
      parts.push(JSON.stringify(message.toolCalls));
  }
  if (request.tools?.length) parts.push(JSON.stringify(request.tools));
  return parts.join('\n');
}

/**
 * Token usage for a call whose provider did not report it (a stream cut off
 * mid-answer, an OpenAI-compatible server without usage): the numbers the
 * provider did report win, the rest is counted with gpt-tokenizer — exact for
 * OpenAI models, a close estimate for others. Nothing counts as cached.
 */
export async function estimateUsage(
  request: ModelRequest,
  outputSoFar: string,
  reported: Partial<TokenUsage> = {},
): Promise<TokenUsage> {
  const count = await loadCounter();
  const inputTokens =
    reported.inputTokens ?? count(promptText(request)) + TOKENS_PER_MESSAGE * (request.messages.length + 1);
  const outputTokens = reported.outputTokens ?? (outputSoFar ? count(outputSoFar) : 0);
  return { inputTokens, outputTokens, cachedInputTokens: reported.cachedInputTokens ?? 0 };
}
