import type { ModelRequest, TokenUsage } from '../types';

/** Chat formatting adds a few tokens per message around its content (OpenAI's documented overhead). */
const TOKENS_PER_MESSAGE = 4;

type CountTokens = (text: string) => number;
let counter: Promise<CountTokens> | undefined;

/**
 * gpt-tokenizer's o200k_base counter, loaded on first use: loading its tables
 * takes a few hundred ms, and only failed or usage-less calls need it.
 */
function loadCounter(): Promise<CountTokens> {
  counter ??= import('gpt-tokenizer').then((m) => (text: string) => m.countTokens(text));
  return counter;
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
