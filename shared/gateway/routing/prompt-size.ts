import type { ModelRequest } from '../types';
import { type CountTokens, loadTokenCounter } from './token-counter';

/** Tokens a chat format adds per message (role markers, separators); generous for every provider. */
const PER_MESSAGE_OVERHEAD = 8;

const encoder = new TextEncoder();

function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Every text the provider will read for a request: system, messages, tool calls, tool specs. */
function promptTexts(request: Pick<ModelRequest, 'system' | 'messages' | 'tools'>): string[] {
  const texts: string[] = [];
  if (request.system) texts.push(request.system);
  for (const m of request.messages) {
    texts.push(m.content);
    if (m.role === 'assistant' && m.toolCalls) texts.push(JSON.stringify(m.toolCalls));
    if (m.role === 'tool') texts.push(m.name);
  }
  if (request.tools?.length) texts.push(JSON.stringify(request.tools));
  return texts;
}

/**
 * An upper bound on a request's prompt tokens, cheap enough for every call: every byte-level
 * BPE token (OpenAI's, Anthropic's, Llama's) covers at least one UTF-8 byte, so
 * bytes + per-message overhead is never below the real count. Budgets reserve
 * against this bound, which is why no call can overrun a budget; the exact count
 * comes back in the provider's usage and the reservation is settled to it.
 */
export function promptTokenBound(request: Pick<ModelRequest, 'system' | 'messages' | 'tools'>): number {
  let bytes = 0;
  for (const t of promptTexts(request)) bytes += utf8Bytes(t);
  return bytes + PER_MESSAGE_OVERHEAD * (request.messages.length + 1);
}

/**
 * Where gpt-tokenizer is missing, 3 bytes a token stands in: more tokens than
 * any tokenizer produces on English or code, so a model is skipped early
 * rather than sent a prompt it cannot hold.
 */
const conservativeCount: CountTokens = (text) => Math.ceil(utf8Bytes(text) / 3);

/**
 * A close count of a request's prompt tokens, for deciding whether it fits a
 * context window. Exact for OpenAI's o200k models; for other providers, whose
 * tokenizers are not public, o200k's count plus 10% (Anthropic's and Llama's
 * tokenizers run up to ~10% longer on English and code).
 */
export async function countPromptTokens(
  request: Pick<ModelRequest, 'system' | 'messages' | 'tools'>,
  provider: string,
): Promise<number> {
  const count = (await loadTokenCounter()) ?? conservativeCount;
  let tokens = PER_MESSAGE_OVERHEAD * (request.messages.length + 1);
  for (const t of promptTexts(request)) tokens += count(t);
  return provider === 'openai' ? tokens : Math.ceil(tokens * 1.1);
}
