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
  arguments: Record<string, unknown>;
}

export type ModelMessage =
  /** `cache` marks a long, stable block (e.g. retrieved context) worth a provider-side prompt cache. */
  | { role: 'user'; content: string; cache?: boolean }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

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
