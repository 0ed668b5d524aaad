import type { CatalogModel } from '../catalog/catalog';
import { worstCaseMicroUsd } from '../catalog/cost';
import type { ModelRequest } from '../types';

/**
 * Anthropic's tool-use system prompt: tokens Anthropic adds to every call that
 * carries tools (and to a forced tool, which is how a response schema reaches
 * Claude on Anthropic and Bedrock), billed as input but never sent by us.
 * Figures from Anthropic's "tool use pricing" table, the larger of tool_choice
 * auto/none and any/tool for each family; a Claude family the table does not
 * list gets its largest figure.
 */
const CLAUDE_TOOL_PROMPT_TOKENS: readonly [RegExp, number][] = [
  [/claude-(opus|sonnet|haiku)-4|claude-3-7-sonnet|claude-3-5-sonnet/, 346],
  [/claude-3-5-haiku|claude-3-haiku/, 340],
  [/claude-3-opus/, 530],
  [/claude-3-sonnet/, 235],
];
const CLAUDE_TOOL_PROMPT_UNLISTED = 530;

/**
 * Providers whose documented output limit is a hard cap (OpenAI's
 * max_completion_tokens includes reasoning tokens; Anthropic's max_tokens;
 * Bedrock Converse's maxTokens). Any other provider is an OpenAI-compatible
 * server (Ollama, vLLM, LM Studio), which may generate past the limit it was sent.
 */
const HARD_OUTPUT_CAP = new Set(['openai', 'anthropic', 'bedrock', 'demo']);
/** Room reserved for output past max_tokens where the cap is not hard (+39-46 % was observed). */
const SOFT_CAP_OUTPUT_MARGIN = 0.5;

type Model = Pick<CatalogModel, 'provider' | 'providerModelId'>;

/** Prompt tokens the provider adds to this call on its side (and bills), beyond what we send. */
export function hiddenPromptTokens(
  model: Model,
  request: Pick<ModelRequest, 'tools' | 'responseSchema'>,
): number {
  if (!request.tools?.length && !request.responseSchema) return 0;
  if (!/claude/.test(model.providerModelId)) return 0;
  const listed = CLAUDE_TOOL_PROMPT_TOKENS.find(([family]) => family.test(model.providerModelId));
  return listed ? listed[1] : CLAUDE_TOOL_PROMPT_UNLISTED;
}

/** The most output tokens the provider may bill for a call sent `maxOutputTokens`. */
export function outputTokenCeiling(model: Model, maxOutputTokens: number): number {
  if (HARD_OUTPUT_CAP.has(model.provider)) return maxOutputTokens;
  return Math.ceil(maxOutputTokens * (1 + SOFT_CAP_OUTPUT_MARGIN));
}

/**
 * What to reserve for one attempt: the prompt's byte bound plus the provider's
 * hidden prompt, and the output ceiling, all at the model's worst-case prices.
 */
export function reservationMicroUsd(
  model: Model & Pick<CatalogModel, 'prices'>,
  request: Pick<ModelRequest, 'tools' | 'responseSchema'>,
  promptTokenBound: number,
  maxOutputTokens: number,
): number {
  return worstCaseMicroUsd(
    promptTokenBound + hiddenPromptTokens(model, request),
    outputTokenCeiling(model, maxOutputTokens),
    model.prices,
  );
}
