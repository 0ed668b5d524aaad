import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { ProviderError } from '../errors';
import type {
  ModelProvider,
  ModelRequest,
  ModelResponse,
  StopReason,
  TokenUsage,
  ToolCall,
  ToolChoice,
} from '../types';
import { CallGuard } from './call-guard';
import {
  type CallIdentity,
  checkJsonAnswer,
  classifySdkError,
  malformed,
  toolCallFromText,
  toProviderError,
  withUsage,
} from './failures';
import {
  HELICONE_CACHE_HIT_USAGE,
  HELICONE_OPENAI_BASE_URL,
  type HeliconeOptions,
  heliconeAuthHeader,
  heliconeCallHeaders,
  servedFromHeliconeCache,
} from './helicone';
import { estimateUsage } from './usage-estimate';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** The SDK's own default, kept when neither the provider nor the request sets a timeout. */
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

export interface OpenAIProviderOptions {
  /** The provider's name in the catalog and usage records. Default 'openai'. */
  name?: string;
  apiKey: string;
  baseURL?: string;
  /** Go through Helicone's gateway; its base URL replaces `baseURL`. */
  helicone?: HeliconeOptions;
  fetch?: typeof fetch;
  /** Default per-attempt timeout when a request sets none. */
  timeoutMs?: number;
  /**
   * The body field for maxOutputTokens. OpenAI's current models want
   * 'max_completion_tokens' (the default); OpenAI-compatible servers take 'max_tokens'.
   */
  maxTokensParam?: 'max_completion_tokens' | 'max_tokens';
}

/** OpenAI's finish_reason → the gateway's stop reason. */
function stopReasonOf(finishReason: string | null | undefined, hasToolCalls: boolean): StopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'content_filter';
    default:
      // Some OpenAI-compatible servers say 'stop' even when they answered with tool calls.
      return hasToolCalls ? 'tool_use' : 'end';
  }
}

interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
}

/**
 * OpenAI's prompt_tokens include the cached ones; the gateway's inputTokens do
 * not (see TokenUsage), so each token is priced once, at its own rate.
 */
function usageOf(usage: WireUsage): TokenUsage {
  const prompt = usage.prompt_tokens ?? 0;
  const cached = Math.min(prompt, usage.prompt_tokens_details?.cached_tokens ?? 0);
  return {
    inputTokens: prompt - cached,
    outputTokens: usage.completion_tokens ?? 0,
    cachedInputTokens: cached,
  };
}

const JSON_INSTRUCTION = 'Answer with a single JSON object.';

function toWireMessages(request: ModelRequest): ChatCompletionMessageParam[] {
  const wire: ChatCompletionMessageParam[] = [];
  let system = request.system;
  // OpenAI refuses json_object mode unless the word "JSON" appears in the messages.
  if (request.responseFormat === 'json' && !mentionsJson(request)) {
    system = system ? `${system}\n\n${JSON_INSTRUCTION}` : JSON_INSTRUCTION;
  }
  if (system) wire.push({ role: 'system', content: system });
  for (const message of request.messages) {
    switch (message.role) {
      case 'user':
        // OpenAI caches long prompt prefixes on its own; `cache` needs no marker here.
        wire.push({ role: 'user', content: message.content });
        break;
      case 'assistant':
        wire.push({
          role: 'assistant',
          content: message.content || null,
          ...(message.toolCalls?.length
            ? {
                tool_calls: message.toolCalls.map((call) => ({
                  id: call.id,
                  type: 'function' as const,
                  function: { name: call.name, arguments: JSON.stringify(call.arguments) },
                })),
              }
            : {}),
        });
        break;
      case 'tool':
        // Chat Completions has no error flag on a tool result; say it in the content.
        wire.push({
          role: 'tool',
          tool_call_id: message.toolCallId,
          content: message.isError ? `Error: ${message.content}` : message.content,
        });
        break;
    }
  }
  return wire;
}

function mentionsJson(request: ModelRequest): boolean {
  const json = /json/i;
  return (
    json.test(request.system ?? '') || request.messages.some((m) => m.role !== 'tool' && json.test(m.content))
  );
}

function toWireTools(request: ModelRequest): ChatCompletionTool[] | undefined {
  if (!request.tools?.length) return undefined;
  return request.tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
  }));
}

function toWireToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/** Reasoning text a delta carries, under either name OpenAI-compatible servers use for it. */
function reasoningOf(delta: unknown): string {
  const { reasoning_content, reasoning } = (delta ?? {}) as {
    reasoning_content?: unknown;
    reasoning?: unknown;
  };
  if (typeof reasoning_content === 'string') return reasoning_content;
  return typeof reasoning === 'string' ? reasoning : '';
}

/** What a stream has delivered so far; kept outside the stream so a failure can account for it. */
interface StreamProgress {
  started: boolean;
  /** Streamed reasoning, not shown but billed as output. */
  reasoning: string;
  text: string;
  toolArguments: string;
  reportedUsage: TokenUsage | undefined;
}

/**
 * Chat Completions through the official `openai` SDK, for OpenAI itself and for
 * any OpenAI-compatible server (see openAICompatibleProvider). Never retries:
 * the router does, from the ProviderError's kind.
 */
export class OpenAIProvider implements ModelProvider {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly helicone: boolean;
  private readonly timeoutMs: number | undefined;
  private readonly maxTokensParam: 'max_completion_tokens' | 'max_tokens';

  constructor(options: OpenAIProviderOptions) {
    this.name = options.name ?? 'openai';
    this.helicone = options.helicone !== undefined;
    this.timeoutMs = options.timeoutMs;
    this.maxTokensParam = options.maxTokensParam ?? 'max_completion_tokens';
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.helicone
        ? (options.helicone.baseURL ?? HELICONE_OPENAI_BASE_URL)
        : (options.baseURL ?? OPENAI_BASE_URL),
      maxRetries: 0,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(options.helicone ? { defaultHeaders: heliconeAuthHeader(options.helicone) } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      // Only what the options say is sent: no organisation or project read from the environment.
      organization: null,
      project: null,
    });
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const call: CallIdentity = { provider: this.name, model: request.model };
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const guard = new CallGuard(request.signal, timeoutMs);
    const progress: StreamProgress = {
      started: false,
      reasoning: '',
      text: '',
      toolArguments: '',
      reportedUsage: undefined,
    };
    const body: ChatCompletionCreateParamsBase = {
      model: request.model,
      messages: toWireMessages(request),
      [this.maxTokensParam]: request.maxOutputTokens,
    };
    const tools = toWireTools(request);
    if (tools) body.tools = tools;
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (tools && request.toolChoice) body.tool_choice = toWireToolChoice(request.toolChoice);
    if (request.responseSchema) {
      const { name, description, schema } = request.responseSchema;
      // Not strict: strict mode refuses open schemas (every object closed, every property required).
      body.response_format = {
        type: 'json_schema',
        json_schema: { name, description, schema, strict: false },
      };
    } else if (request.responseFormat === 'json') body.response_format = { type: 'json_object' };
    const options = {
      signal: guard.signal ?? null,
      timeout: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(this.helicone ? { headers: heliconeCallHeaders(request.context) } : {}),
    };
    try {
      const response = request.onDelta
        ? await this.streamed(request, body, options, progress, request.onDelta)
        : await this.whole(request, body, options);
      return checkJsonAnswer(request, response);
    } catch (error) {
      // A failure that already knows its usage (e.g. an answer without choices) needs no estimate.
      const usage =
        progress.started && !(error instanceof ProviderError && error.usage)
          ? await estimateUsage(
              request,
              progress.reasoning + progress.text + progress.toolArguments,
              progress.reportedUsage ?? {},
            )
          : undefined;
      const failure = toProviderError(error, call, guard, usage, (e, u) => classifyOpenAIError(call, e, u));
      // A 2xx we could not read was still an answer the provider billed: its prompt at least is counted.
      throw failure.kind === 'malformed' && !failure.usage
        ? withUsage(failure, await estimateUsage(request, ''))
        : failure;
    } finally {
      guard.dispose();
    }
  }

  /** Helicone answered from its cache: the provider billed nothing for this answer. */
  private servedFromCache(response: Response): boolean {
    return this.helicone && servedFromHeliconeCache(response.headers);
  }

  private async whole(
    request: ModelRequest,
    body: ChatCompletionCreateParamsBase,
    options: OpenAI.RequestOptions,
  ): Promise<ModelResponse> {
    const call: CallIdentity = { provider: this.name, model: request.model };
    const { data, request_id, response } = await this.client.chat.completions
      .create({ ...body, stream: false }, options)
      .withResponse();
    const completion = data as ChatCompletion | string | null;
    const requestId =
      request_id ?? (typeof completion === 'object' ? completion?.id : undefined) ?? undefined;
    const choice = typeof completion === 'object' ? completion?.choices?.[0] : undefined;
    const message = choice?.message;
    // A body that says what it billed is metered even when the answer in it is unusable.
    const billed =
      typeof completion === 'object' && completion?.usage ? usageOf(completion.usage) : undefined;
    if (!message || typeof message !== 'object') {
      throw malformed(call, 'the answer has no choices[0].message', { requestId, usage: billed });
    }
    if (message.content !== null && message.content !== undefined && typeof message.content !== 'string') {
      throw malformed(call, 'the answer content is not text', { requestId, usage: billed });
    }
    const cutOff = choice.finish_reason === 'length';
    const toolCalls: ToolCall[] = [];
    for (const wire of message.tool_calls ?? []) {
      if (wire.type !== 'function' || typeof wire.function?.arguments !== 'string') {
        throw malformed(call, 'a tool call is not a function call', { requestId, usage: billed });
      }
      toolCalls.push(toolCallFromText(wire.id, wire.function.name, wire.function.arguments, cutOff));
    }
    // A refusal comes instead of content: the caller sees why, as a content-filter stop.
    const refusal =
      typeof message.refusal === 'string' && message.refusal && !message.content
        ? message.refusal
        : undefined;
    const text = refusal ?? message.content ?? '';
    const usage = this.servedFromCache(response)
      ? HELICONE_CACHE_HIT_USAGE
      : (billed ??
        (await estimateUsage(
          request,
          text + toolCalls.map((c) => c.invalid?.raw ?? JSON.stringify(c.arguments)).join(''),
        )));
    return {
      text,
      toolCalls,
      stopReason: refusal ? 'content_filter' : stopReasonOf(choice.finish_reason, toolCalls.length > 0),
      usage,
      provider: this.name,
      model: request.model,
      ...(requestId ? { requestId } : {}),
    };
  }

  private async streamed(
    request: ModelRequest,
    body: ChatCompletionCreateParamsBase,
    options: OpenAI.RequestOptions,
    progress: StreamProgress,
    onDelta: (text: string) => void,
  ): Promise<ModelResponse> {
    const call: CallIdentity = { provider: this.name, model: request.model };
    const {
      data: stream,
      request_id,
      response,
    } = await this.client.chat.completions
      .create({ ...body, stream: true, stream_options: { include_usage: true } }, options)
      .withResponse();
    // From here the provider is generating: a failure still costs tokens.
    progress.started = true;
    let requestId = request_id ?? undefined;
    let finishReason: string | null = null;
    const pending: { id: string; name: string; arguments: string }[] = [];
    for await (const chunk of stream) {
      requestId ??= chunk.id;
      if (chunk.usage) progress.reportedUsage = usageOf(chunk.usage);
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      // Reasoning some OpenAI-compatible servers stream (vLLM, DeepSeek: reasoning_content; Ollama,
      // OpenRouter: reasoning) is billed as output: a cut stream's estimate must count it too.
      const reasoning = reasoningOf(choice.delta);
      if (reasoning) progress.reasoning += reasoning;
      const content = choice.delta?.content;
      if (content) {
        progress.text += content;
        onDelta(content);
      }
      for (const delta of choice.delta?.tool_calls ?? []) {
        let slot = pending[delta.index];
        if (!slot) {
          slot = { id: '', name: '', arguments: '' };
          pending[delta.index] = slot;
        }
        if (delta.id) slot.id = delta.id;
        if (delta.function?.name) slot.name += delta.function.name;
        if (delta.function?.arguments) {
          slot.arguments += delta.function.arguments;
          progress.toolArguments += delta.function.arguments;
        }
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    if (!finishReason) {
      throw new ProviderError({
        ...call,
        kind: 'network',
        message: 'the stream ended before the answer was complete',
        ...(requestId ? { requestId } : {}),
        usage: await estimateUsage(
          request,
          progress.reasoning + progress.text + progress.toolArguments,
          progress.reportedUsage ?? {},
        ),
      });
    }
    const toolCalls = pending
      .filter(Boolean)
      .map((slot) => toolCallFromText(slot.id, slot.name, slot.arguments, finishReason === 'length'));
    return {
      text: progress.text,
      toolCalls,
      stopReason: stopReasonOf(finishReason, toolCalls.length > 0),
      usage: this.servedFromCache(response)
        ? HELICONE_CACHE_HIT_USAGE
        : (progress.reportedUsage ??
          (await estimateUsage(request, progress.reasoning + progress.text + progress.toolArguments))),
      provider: this.name,
      model: request.model,
      ...(requestId ? { requestId } : {}),
    };
  }
}

function classifyOpenAIError(
  call: CallIdentity,
  error: unknown,
  usage: TokenUsage | undefined,
): ProviderError {
  return classifySdkError(
    call,
    error,
    usage,
    {
      abort: APIUserAbortError,
      timeout: APIConnectionTimeoutError,
      connection: APIConnectionError,
      api: APIError,
      base: OpenAIError,
    },
    (e) => ({
      status: e.status,
      headers: e.headers,
      message:
        typeof (e.error as { message?: unknown } | undefined)?.message === 'string'
          ? (e.error as { message: string }).message
          : e.message,
      requestId: e.requestID ?? undefined,
      errorType: e.type ?? undefined,
      errorCode: e.code ?? undefined,
    }),
  );
}

/**
 * An OpenAI-compatible server (Ollama, vLLM, LM Studio) as its own named provider.
 * Such servers usually need no key; a placeholder is sent so the SDK never falls
 * back to OPENAI_API_KEY from the environment and leaks it to them.
 */
export function openAICompatibleProvider(options: {
  name: string;
  baseURL: string;
  apiKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): OpenAIProvider {
  return new OpenAIProvider({
    name: options.name,
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? 'no-key',
    maxTokensParam: 'max_tokens',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
}
