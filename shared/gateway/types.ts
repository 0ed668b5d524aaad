/**
 * The one request and response shape every model provider speaks. Providers
 * translate it to their wire format; nothing above the gateway sees a
 * provider-specific type.
 */
export type JsonSchema = Record<string, unknown>;

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The parsed arguments; `{}` when they could not be parsed (see `invalid`). */
  arguments: Record<string, unknown>;
  /**
   * Set when the model's arguments were not a JSON object (typically output cut at max_tokens):
   * the reason, and the raw text as the model sent it. The call is answered to the model as a
   * tool error naming what was wrong; it is never run and never retried.
   */
  invalid?: { reason: string; raw: string };
}

/**
 * `cache` marks the end of a stable prefix worth a provider-side prompt cache (Anthropic
 * `cache_control`, Bedrock `cachePoint`): the agent loop sets it on the rolling prefix.
 */
export type ModelMessage =
  | { role: 'user'; content: string; cache?: boolean }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[]; cache?: boolean }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean; cache?: boolean };

/** Structured output: the answer is one JSON object that satisfies `schema`. */
export interface ResponseSchema {
  /** A tool-style name ([a-zA-Z0-9_-]), e.g. 'submit_plan'. */
  name: string;
  description: string;
  schema: JsonSchema;
}

/** Which tool the model must call: any it likes, at least one, or this one. */
export type ToolChoice = 'auto' | 'required' | { name: string };

/** Who a call is for: used for metering, budgets, Helicone properties, and by the demo script. */
export interface CallContext {
  tenantId: string;
  taskId: string;
  stepId?: string;
  employeeId: string;
  /** The tenant opted in to Helicone's response cache. */
  heliconeCache?: boolean;
}

export interface ModelRequest {
  model: string;
  system?: string;
  messages: ModelMessage[];
  tools?: ToolSpec[];
  /** 'json' asks for a single JSON object as the answer. */
  responseFormat?: 'text' | 'json';
  /**
   * Structured output through the provider's own mechanism (OpenAI `json_schema`, a forced tool on
   * Anthropic and Bedrock). The answer's `text` is the JSON object as text; it is parsed and
   * checked by the caller, which answers a bad one to the model (never a blind retry).
   */
  responseSchema?: ResponseSchema;
  toolChoice?: ToolChoice;
  maxOutputTokens: number;
  temperature?: number;
  signal?: AbortSignal;
  /** Give up on one attempt after this long (a ProviderError of kind 'timeout'). */
  timeoutMs?: number;
  /** Called with each text delta when the provider streams. */
  onDelta?: (text: string) => void;
  context: CallContext;
}

export type StopReason = 'end' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'content_filter' | 'cancelled';

export interface TokenUsage {
  /** Input tokens not read from a cache (cache writes included); the cache reads are cachedInputTokens, so no token is counted twice. */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** Of inputTokens, those written to the provider's prompt cache (priced at its cache-write rate where the catalog has one). */
  cacheWriteTokens?: number;
}

export interface ModelResponse {
  text: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: TokenUsage;
  provider: string;
  model: string;
  requestId?: string;
}

export interface ModelProvider {
  /** Provider name as it appears in the catalog, usage records and the UI (e.g. 'openai', 'demo'). */
  readonly name: string;
  complete(request: ModelRequest): Promise<ModelResponse>;
}
