import type Anthropic from '@anthropic-ai/sdk';
import {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import type {
  ContentBlockParam,
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoice as WireToolChoice,
} from '@anthropic-ai/sdk/resources/messages';
import { Messages } from '@anthropic-ai/sdk/resources/messages';
import { ProviderError } from '../errors';
import type { ModelProvider, ModelRequest, ModelResponse, StopReason, TokenUsage, ToolCall } from '../types';
import { CallGuard } from './call-guard';
import {
  type CallIdentity,
  checkJsonAnswer,
  classifySdkError,
  malformed,
  toolCallFromText,
  toolCallFromValue,
  toProviderError,
  withUsage,
} from './failures';
import {
  HELICONE_ANTHROPIC_BASE_URL,
  HELICONE_CACHE_HIT_USAGE,
  type HeliconeOptions,
  heliconeAuthHeader,
  heliconeCallHeaders,
  servedFromHeliconeCache,
} from './helicone';
import { estimateUsage } from './usage-estimate';

/**
 * The SDK's client with the Messages API alone. The full `Anthropic` client builds
 * every resource (beta, files, skills, organization…), over 300 KB more in each
 * model-calling Lambda bundle and its cold start; the base client and its
 * transport (retries off, timeouts, errors) are the same.
 */
class MessagesClient extends BaseAnthropic {
  readonly messages = new Messages(this);
}

export const ANTHROPIC_BASE_URL = 'https://api.anthropic.com';
const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
/** Anthropic allows at most this many cache_control breakpoints in one request. */
const MAX_CACHE_BREAKPOINTS = 4;
const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * JSON mode and structured output are a forced tool call: Anthropic has no
 * json_object mode, an open schema cannot use its structured outputs (they need
 * closed objects), and newer models refuse an assistant prefill. The tool's input
 * comes back as the response text (as the model wrote it when it is cut off).
 */
export const JSON_ANSWER_TOOL = 'json_answer';
const JSON_TOOL: Tool = {
  name: JSON_ANSWER_TOOL,
  description: 'Give your final answer here, as one JSON object: the input of this tool is the answer.',
  input_schema: { type: 'object', additionalProperties: true },
};

export interface AnthropicProviderOptions {
  /** The provider's name in the catalog and usage records. Default 'anthropic'. */
  name?: string;
  apiKey: string;
  baseURL?: string;
  /** Go through Helicone's gateway; its base URL replaces `baseURL`. */
  helicone?: HeliconeOptions;
  fetch?: typeof fetch;
  /** Default per-attempt timeout when a request sets none. */
  timeoutMs?: number;
}

function stopReasonOf(stopReason: string | null | undefined): StopReason {
  switch (stopReason) {
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
    // The answer ran into the end of the context window: as cut short as max_tokens.
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'refusal':
      return 'content_filter';
    default:
      return 'end';
  }
}

interface WireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

/**
 * Anthropic reports uncached input, cache reads and cache writes apart. Cache
 * writes are input the model read at full price (plus the write premium, which
 * the catalog may price), so they count as inputTokens; cache reads are cachedInputTokens.
 */
function inputUsageOf(
  usage: WireUsage,
): Pick<TokenUsage, 'inputTokens' | 'cachedInputTokens' | 'cacheWriteTokens'> {
  const writes = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (usage.input_tokens ?? 0) + writes,
    cachedInputTokens: usage.cache_read_input_tokens ?? 0,
    ...(writes ? { cacheWriteTokens: writes } : {}),
  };
}

function systemBlocks(request: ModelRequest): TextBlockParam[] | undefined {
  if (!request.system) return undefined;
  // The system prompt is the longest stable block of an employee's calls.
  return [{ type: 'text', text: request.system, cache_control: EPHEMERAL }];
}

/** The tool whose input is the answer: the response schema's, else JSON mode's; none for a plain call. */
function answerToolOf(request: ModelRequest): string | undefined {
  if (request.responseSchema) return request.responseSchema.name;
  return request.responseFormat === 'json' ? JSON_ANSWER_TOOL : undefined;
}

function wireTools(request: ModelRequest): Tool[] | undefined {
  const tools: Tool[] = (request.tools ?? []).map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema as Tool['input_schema'],
  }));
  if (request.responseSchema) {
    const { name, description, schema } = request.responseSchema;
    tools.push({ name, description, input_schema: schema as Tool['input_schema'] });
  } else if (request.responseFormat === 'json') tools.push(JSON_TOOL);
  if (!tools.length) return undefined;
  // A breakpoint on the last tool caches the whole list (tools come before the system prompt).
  const last = tools.length - 1;
  tools[last] = { ...tools[last]!, cache_control: EPHEMERAL };
  return tools;
}

/**
 * Which tool the model must call. The caller's choice wins; otherwise an answer
 * tool is forced, or, when the call has tools of its own, any tool (its own or
 * the answer tool) is.
 */
function wireToolChoice(request: ModelRequest, answerTool: string | undefined): WireToolChoice | undefined {
  const choice = request.toolChoice;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice) return { type: 'tool', name: choice.name };
  if (!answerTool) return undefined;
  return request.tools?.length ? { type: 'any' } : { type: 'tool', name: answerTool };
}

/** A message that becomes no content block (an assistant turn with no text and no calls). */
function isEmpty(message: ModelRequest['messages'][number]): boolean {
  return message.role === 'assistant' && !message.content && !message.toolCalls?.length;
}

/**
 * The conversation in Anthropic's shape: tool calls as tool_use blocks, tool
 * results as tool_result blocks in the next user turn, consecutive turns of
 * one role merged into one message (so several tool results share a message).
 * A message marked `cache` gets a breakpoint on its last block; the latest
 * marks win the breakpoints the system prompt and tools leave (the cache reads
 * the longest prefix ending at any breakpoint, so the latest matter most).
 */
function wireMessages(request: ModelRequest, breakpointsLeft: number): MessageParam[] {
  const cached = new Set<number>();
  for (let i = request.messages.length - 1; i >= 0 && cached.size < breakpointsLeft; i--) {
    const message = request.messages[i]!;
    if (message.cache && !isEmpty(message)) cached.add(i);
  }
  const wire: { role: 'user' | 'assistant'; content: ContentBlockParam[] }[] = [];
  const append = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (!blocks.length) return;
    const last = wire[wire.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else wire.push({ role, content: blocks });
  };
  request.messages.forEach((message, i) => {
    let blocks: ContentBlockParam[];
    switch (message.role) {
      case 'user':
        blocks = [{ type: 'text', text: message.content }];
        break;
      case 'assistant':
        blocks = [
          // Anthropic refuses empty text blocks.
          ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({
            type: 'tool_use' as const,
            id: call.id,
            name: call.name,
            input: call.arguments,
          })),
        ];
        break;
      case 'tool':
        blocks = [
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            content: message.content,
            ...(message.isError ? { is_error: true } : {}),
          },
        ];
        break;
    }
    if (cached.has(i)) {
      const last = blocks.length - 1;
      blocks[last] = { ...blocks[last]!, cache_control: EPHEMERAL } as ContentBlockParam;
    }
    append(message.role === 'assistant' ? 'assistant' : 'user', blocks);
  });
  return wire;
}

/** What a stream has delivered so far; kept outside the stream so a failure can account for it. */
interface StreamProgress {
  started: boolean;
  /** Text and tool input streamed so far, for counting output tokens. */
  output: string;
  input: Pick<TokenUsage, 'inputTokens' | 'cachedInputTokens' | 'cacheWriteTokens'> | undefined;
  outputTokens: number | undefined;
}

/**
 * One content block of the answer: text, or a tool call with its input as JSON text
 * (streamed, or serialised from the whole answer); `value` holds an input the whole
 * answer gave that is not a JSON object.
 */
interface Part {
  type: string;
  text: string;
  id: string;
  name: string;
  json: string;
  value?: unknown;
}

/** The answer's content blocks, as the gateway's text, tool calls and JSON answer. */
interface Assembled {
  text: string;
  toolCalls: ToolCall[];
  jsonAnswer: string | undefined;
}

/**
 * The Messages API through the official `@anthropic-ai/sdk`, with prompt caching
 * on the system prompt, the tool list and user blocks marked `cache`. Never
 * retries: the router does, from the ProviderError's kind.
 */
export class AnthropicProvider implements ModelProvider {
  readonly name: string;
  private readonly client: MessagesClient;
  private readonly helicone: boolean;
  private readonly timeoutMs: number | undefined;

  constructor(options: AnthropicProviderOptions) {
    this.name = options.name ?? 'anthropic';
    this.helicone = options.helicone !== undefined;
    this.timeoutMs = options.timeoutMs;
    this.client = new MessagesClient({
      apiKey: options.apiKey,
      baseURL: options.helicone
        ? (options.helicone.baseURL ?? HELICONE_ANTHROPIC_BASE_URL)
        : (options.baseURL ?? ANTHROPIC_BASE_URL),
      maxRetries: 0,
      // Always set: without a timeout the SDK refuses non-streamed calls with a large max_tokens.
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      // The gateway meters every call itself; per-call spans would only add overhead.
      openTelemetry: false,
      ...(options.helicone ? { defaultHeaders: heliconeAuthHeader(options.helicone) } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const call: CallIdentity = { provider: this.name, model: request.model };
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const guard = new CallGuard(request.signal, timeoutMs);
    const progress: StreamProgress = {
      started: false,
      output: '',
      input: undefined,
      outputTokens: undefined,
    };
    const system = systemBlocks(request);
    const tools = wireTools(request);
    const breakpointsLeft = MAX_CACHE_BREAKPOINTS - (system ? 1 : 0) - (tools ? 1 : 0);
    const body: MessageCreateParamsNonStreaming = {
      model: request.model,
      max_tokens: request.maxOutputTokens,
      messages: wireMessages(request, breakpointsLeft),
    };
    if (system) body.system = system;
    if (tools) body.tools = tools;
    const toolChoice = tools ? wireToolChoice(request, answerToolOf(request)) : undefined;
    if (toolChoice) body.tool_choice = toolChoice;
    // API version 2026-10-21 has no sampling temperature: request.temperature is not sent.
    const options = {
      signal: guard.signal ?? null,
      timeout: timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(this.helicone ? { headers: heliconeCallHeaders(request.context) } : {}),
    };
    try {
      const response = request.onDelta
        ? await this.streamed(call, request, body, options, progress, request.onDelta)
        : await this.whole(call, request, body, options);
      return checkJsonAnswer(request, response);
    } catch (error) {
      // A failure that already knows its usage (e.g. an answer without content) needs no estimate.
      const usage =
        progress.started && !(error instanceof ProviderError && error.usage)
          ? await estimateUsage(request, progress.output, {
              ...progress.input,
              ...(progress.outputTokens !== undefined ? { outputTokens: progress.outputTokens } : {}),
            })
          : undefined;
      const failure = toProviderError(error, call, guard, usage, (e, u) =>
        classifyAnthropicError(call, e, u),
      );
      // A 2xx we could not read was still an answer the provider billed: its prompt at least is counted.
      throw failure.kind === 'malformed' && !failure.usage
        ? withUsage(failure, await estimateUsage(request, ''))
        : failure;
    } finally {
      guard.dispose();
    }
  }

  private async whole(
    call: CallIdentity,
    request: ModelRequest,
    body: MessageCreateParamsNonStreaming,
    options: Anthropic.RequestOptions,
  ): Promise<ModelResponse> {
    const { data, request_id, response } = await this.client.messages.create(body, options).withResponse();
    const message = data as Message | string | null;
    const requestId = request_id ?? (typeof message === 'object' ? message?.id : undefined) ?? undefined;
    // A body that says what it billed is metered even when the answer in it is unusable.
    const usage: TokenUsage | undefined =
      message && typeof message === 'object' && message.usage
        ? { ...inputUsageOf(message.usage), outputTokens: message.usage.output_tokens ?? 0 }
        : undefined;
    if (!message || typeof message !== 'object' || !Array.isArray(message.content) || !usage) {
      throw malformed(call, 'the answer has no content or usage', { requestId, usage });
    }
    const blocks: { type: string; text?: string; id?: string; name?: string; input?: unknown }[] =
      message.content;
    const parts: Part[] = [];
    for (const block of blocks) {
      if (block.type === 'text')
        parts.push({ type: 'text', text: block.text ?? '', id: '', name: '', json: '' });
      if (block.type === 'tool_use') {
        const input = block.input;
        const isObject = input !== null && typeof input === 'object' && !Array.isArray(input);
        parts.push({
          type: 'tool_use',
          text: '',
          id: block.id ?? '',
          name: block.name ?? '',
          json: typeof input === 'string' ? input : (JSON.stringify(input) ?? ''),
          ...(isObject ? {} : { value: input }),
        });
      }
    }
    const assembled = assemble(request, parts, message.stop_reason);
    return this.response(request, assembled, message.stop_reason, this.billed(response, usage), requestId);
  }

  private async streamed(
    call: CallIdentity,
    request: ModelRequest,
    body: MessageCreateParamsNonStreaming,
    options: Anthropic.RequestOptions,
    progress: StreamProgress,
    onDelta: (text: string) => void,
  ): Promise<ModelResponse> {
    const {
      data: stream,
      request_id,
      response,
    } = await this.client.messages.create({ ...body, stream: true }, options).withResponse();
    // From here the provider is generating: a failure still costs tokens.
    progress.started = true;
    let requestId = request_id ?? undefined;
    let stopReason: string | null = null;
    let finished = false;
    const parts: Part[] = [];
    const answerTool = answerToolOf(request);
    for await (const event of stream) {
      switch (event.type) {
        case 'message_start':
          requestId ??= event.message.id;
          progress.input = inputUsageOf(event.message.usage);
          break;
        case 'content_block_start': {
          const block = event.content_block;
          parts[event.index] =
            block.type === 'tool_use'
              ? { type: 'tool_use', text: '', id: block.id, name: block.name, json: '' }
              : { type: block.type, text: '', id: '', name: '', json: '' };
          break;
        }
        case 'content_block_delta': {
          const part = parts[event.index];
          if (!part) throw malformed(call, `a delta for content block ${event.index}, which never started`);
          if (event.delta.type === 'text_delta') {
            part.text += event.delta.text;
            progress.output += event.delta.text;
            onDelta(event.delta.text);
          } else if (event.delta.type === 'input_json_delta') {
            part.json += event.delta.partial_json;
            progress.output += event.delta.partial_json;
            // The JSON answer is the response text, so it streams like text.
            if (answerTool !== undefined && part.name === answerTool) onDelta(event.delta.partial_json);
          } else if (event.delta.type === 'thinking_delta') {
            // Extended thinking is billed as output: a cut stream's estimate must count it too.
            progress.output += event.delta.thinking;
          }
          break;
        }
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          progress.outputTokens = event.usage.output_tokens;
          // Newer API versions repeat (cumulative) input numbers here; they win when present.
          if (event.usage.input_tokens !== null && event.usage.input_tokens !== undefined) {
            progress.input = inputUsageOf({ ...event.usage });
          }
          break;
        case 'message_stop':
          finished = true;
          break;
      }
    }
    if (!finished) {
      throw new ProviderError({
        ...call,
        kind: 'network',
        message: 'the stream ended before the answer was complete',
        ...(requestId ? { requestId } : {}),
      });
    }
    const usage: TokenUsage = progress.input
      ? { ...progress.input, outputTokens: progress.outputTokens ?? 0 }
      : await estimateUsage(request, progress.output);
    const assembled = assemble(request, parts.filter(Boolean), stopReason);
    return this.response(request, assembled, stopReason, this.billed(response, usage), requestId);
  }

  /** What the answer cost: nothing when Helicone served it from its cache, else the usage it reported. */
  private billed(response: Response, usage: TokenUsage): TokenUsage {
    return this.helicone && servedFromHeliconeCache(response.headers) ? HELICONE_CACHE_HIT_USAGE : usage;
  }

  private response(
    request: ModelRequest,
    assembled: Assembled,
    stopReason: string | null,
    usage: TokenUsage,
    requestId: string | undefined,
  ): ModelResponse {
    let stop = stopReasonOf(stopReason);
    // A JSON answer arrives as a tool call, but to the caller it is a finished answer.
    if (assembled.jsonAnswer !== undefined && !assembled.toolCalls.length && stop === 'tool_use')
      stop = 'end';
    return {
      text: assembled.jsonAnswer ?? assembled.text,
      toolCalls: assembled.toolCalls,
      stopReason: stop,
      usage,
      provider: this.name,
      model: request.model,
      ...(requestId ? { requestId } : {}),
    };
  }
}

/**
 * The answer's text, its tool calls (an input that is not a JSON object comes back
 * flagged `invalid`, for the caller to answer) and the answer tool's input as text.
 */
function assemble(request: ModelRequest, parts: Part[], stopReason: string | null): Assembled {
  const answerTool = answerToolOf(request);
  const cutOff = stopReasonOf(stopReason) === 'max_tokens';
  let text = '';
  let jsonAnswer: string | undefined;
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    if (part.type === 'text') text += part.text;
    if (part.type !== 'tool_use') continue;
    if (part.name === answerTool) {
      // The object as JSON text, however it streamed; the raw text when it is no object (cut off).
      const answer = toolCallFromText(part.id, part.name, part.json, cutOff);
      jsonAnswer = answer.invalid ? part.json : JSON.stringify(answer.arguments);
      continue;
    }
    toolCalls.push(
      'value' in part
        ? toolCallFromValue(part.id, part.name, part.value, cutOff)
        : toolCallFromText(part.id, part.name, part.json, cutOff),
    );
  }
  return { text, toolCalls, jsonAnswer };
}

function classifyAnthropicError(
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
      base: AnthropicError,
    },
    (e) => ({
      status: e.status,
      headers: e.headers,
      message: e.apiMessage ?? e.message,
      requestId: e.requestID ?? undefined,
      errorType: e.type ?? undefined,
      errorCode: e.errorCode ?? undefined,
    }),
  );
}
