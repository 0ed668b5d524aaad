import {
  BedrockRuntimeClient,
  type TokenUsage as BedrockTokenUsage,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  type Message,
  type SystemContentBlock,
  type Tool,
  type ToolUseBlock,
  type ToolChoice as WireToolChoice,
} from '@aws-sdk/client-bedrock-runtime';
import { ProviderError, type ProviderFailureKind, timeMayMend } from '../errors';
import type { ModelProvider, ModelRequest, ModelResponse, StopReason, TokenUsage, ToolCall } from '../types';
import { CallGuard } from './call-guard';
import {
  type CallIdentity,
  checkJsonAnswer,
  isContextLengthMessage,
  malformed,
  messageOf,
  retryAfterMs,
  toolCallFromText,
  toolCallFromValue,
  toProviderError,
  withUsage,
} from './failures';
import { estimateUsage } from './usage-estimate';

/** A JSON value as the AWS SDK types it (tool inputs and schemas). */
type DocumentType = NonNullable<ToolUseBlock['input']>;

/**
 * Converse has no JSON mode that takes an open object, and forcing a tool works
 * only for some model families, so JSON mode is an instruction; the answer is
 * then checked (a fenced object is unwrapped, anything else is malformed).
 */
const JSON_INSTRUCTION = 'Answer with a single JSON object and nothing else: no prose, no Markdown.';

export type BedrockProviderOptions = (
  | {
      /** Bring your own client (tests use aws-sdk-client-mock); give it maxAttempts: 1, the router retries. */
      client: BedrockRuntimeClient;
    }
  | { region: string }
) & {
  /** The provider's name in the catalog and usage records. Default 'bedrock'. */
  name?: string;
  /** Default per-attempt timeout when a request sets none. */
  timeoutMs?: number;
};

/** Bedrock's exception names → failure kinds (errors thrown by send() and members of a ConverseStream). */
const KIND_BY_EXCEPTION: Record<string, ProviderFailureKind> = {
  ThrottlingException: 'rate_limited',
  ServiceQuotaExceededException: 'rate_limited',
  ServiceUnavailableException: 'overloaded',
  ModelNotReadyException: 'overloaded',
  InternalServerException: 'server',
  ModelStreamErrorException: 'server',
  ModelErrorException: 'server',
  ModelTimeoutException: 'timeout',
  TimeoutError: 'timeout',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  ExpiredTokenException: 'auth',
  InvalidSignatureException: 'auth',
  CredentialsProviderError: 'auth',
  ResourceNotFoundException: 'not_found',
  ConflictException: 'bad_request',
  AbortError: 'cancelled',
};

/** ConverseStream delivers a failure mid-stream as an event member; each names its exception. */
const STREAM_EXCEPTIONS: Record<string, string> = {
  internalServerException: 'InternalServerException',
  modelStreamErrorException: 'ModelStreamErrorException',
  validationException: 'ValidationException',
  throttlingException: 'ThrottlingException',
  serviceUnavailableException: 'ServiceUnavailableException',
};

function stopReasonOf(stopReason: string | undefined, hasToolCalls: boolean): StopReason {
  switch (stopReason) {
    case 'tool_use':
      return 'tool_use';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return hasToolCalls ? 'tool_use' : 'end';
  }
}

/**
 * Like Anthropic, Converse reports cache reads and writes apart from inputTokens:
 * writes are input read at full price, so they count as inputTokens; reads are cachedInputTokens.
 */
function usageOf(usage: BedrockTokenUsage): TokenUsage {
  const writes = usage.cacheWriteInputTokens ?? 0;
  return {
    inputTokens: (usage.inputTokens ?? 0) + writes,
    outputTokens: usage.outputTokens ?? 0,
    cachedInputTokens: usage.cacheReadInputTokens ?? 0,
    ...(writes ? { cacheWriteTokens: writes } : {}),
  };
}

/** Bedrock takes at most this many cache checkpoints in one request (Claude; Nova takes as many). */
const MAX_CACHE_POINTS = 4;
const CACHE_POINT = { cachePoint: { type: 'default' as const } };

/**
 * Which messages end with a cache checkpoint: the latest ones the caller marked,
 * within what the system prompt's checkpoint leaves. The gateway strips the marks
 * for a model without prompt caching, so a request without marks gets no checkpoint.
 */
function cachedMessages(request: ModelRequest): Set<number> {
  const cached = new Set<number>();
  const left = MAX_CACHE_POINTS - (request.system ? 1 : 0);
  for (let i = request.messages.length - 1; i >= 0 && cached.size < left; i--) {
    const message = request.messages[i]!;
    const empty = message.role === 'assistant' && !message.content && !message.toolCalls?.length;
    if (message.cache && !empty) cached.add(i);
  }
  return cached;
}

/**
 * The conversation as Converse wants it: strictly alternating roles, so consecutive
 * turns of one role merge; a message marked for caching is followed by a cachePoint.
 */
function wireMessages(request: ModelRequest, cached: Set<number>): Message[] {
  const wire: { role: 'user' | 'assistant'; content: ContentBlock[] }[] = [];
  const append = (role: 'user' | 'assistant', blocks: ContentBlock[]) => {
    if (!blocks.length) return;
    const last = wire[wire.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else wire.push({ role, content: blocks });
  };
  request.messages.forEach((message, i) => {
    const cachePoint = cached.has(i) ? [CACHE_POINT] : [];
    switch (message.role) {
      case 'user':
        append('user', [{ text: message.content }, ...cachePoint]);
        break;
      case 'assistant':
        append('assistant', [
          ...(message.content ? [{ text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({
            toolUse: { toolUseId: call.id, name: call.name, input: call.arguments as DocumentType },
          })),
          ...cachePoint,
        ]);
        break;
      case 'tool':
        append('user', [
          {
            toolResult: {
              toolUseId: message.toolCallId,
              content: [{ text: message.content }],
              // Only some model families take a status, so it is sent only when it matters.
              ...(message.isError ? { status: 'error' as const } : {}),
            },
          },
          ...cachePoint,
        ]);
        break;
    }
  });
  return wire;
}

/**
 * Which tool the model must call: the caller's choice, else the response schema's
 * tool (any tool when the call has tools of its own). Only Claude and Nova take
 * `any` and `tool`; the catalog's toolChoice capability keeps other models away.
 */
function wireToolChoice(request: ModelRequest): WireToolChoice | undefined {
  const choice = request.toolChoice;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  if (choice) return { tool: { name: choice.name } };
  if (!request.responseSchema) return undefined;
  return request.tools?.length ? { any: {} } : { tool: { name: request.responseSchema.name } };
}

function converseInput(request: ModelRequest): ConverseCommandInput {
  const system =
    request.responseFormat === 'json' && !request.responseSchema
      ? [request.system, JSON_INSTRUCTION].filter(Boolean).join('\n\n')
      : request.system;
  const cached = cachedMessages(request);
  const input: ConverseCommandInput = {
    modelId: request.model,
    messages: wireMessages(request, cached),
    inferenceConfig: {
      maxTokens: request.maxOutputTokens,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    },
  };
  if (system) {
    // The system prompt is the longest stable block; it is worth a checkpoint whenever the caller caches.
    const blocks: SystemContentBlock[] = [{ text: system }];
    if (cached.size) blocks.push(CACHE_POINT);
    input.system = blocks;
  }
  const specs = [...(request.tools ?? [])];
  if (request.responseSchema) {
    const { name, description, schema } = request.responseSchema;
    specs.push({ name, description, inputSchema: schema });
  }
  if (specs.length) {
    const toolChoice = wireToolChoice(request);
    input.toolConfig = {
      tools: specs.map(
        (tool): Tool => ({
          toolSpec: {
            name: tool.name,
            description: tool.description,
            inputSchema: { json: tool.inputSchema as DocumentType },
          },
        }),
      ),
      ...(toolChoice ? { toolChoice } : {}),
    };
  }
  return input;
}

interface StreamProgress {
  started: boolean;
  output: string;
  usage: TokenUsage | undefined;
}

/**
 * Bedrock's Converse and ConverseStream APIs through `@aws-sdk/client-bedrock-runtime`,
 * one shape for every model family Bedrock hosts. Never retries: the router does.
 */
export class BedrockProvider implements ModelProvider {
  readonly name: string;
  private readonly client: BedrockRuntimeClient;
  private readonly timeoutMs: number | undefined;

  constructor(options: BedrockProviderOptions) {
    this.name = options.name ?? 'bedrock';
    this.timeoutMs = options.timeoutMs;
    this.client =
      'client' in options
        ? options.client
        : new BedrockRuntimeClient({ region: options.region, maxAttempts: 1 });
  }

  async complete(request: ModelRequest): Promise<ModelResponse> {
    const call: CallIdentity = { provider: this.name, model: request.model };
    const guard = new CallGuard(request.signal, request.timeoutMs ?? this.timeoutMs);
    const progress: StreamProgress = { started: false, output: '', usage: undefined };
    const input = converseInput(request);
    try {
      const response = request.onDelta
        ? await this.streamed(call, request, input, guard, progress, request.onDelta)
        : await this.whole(call, request, input, guard);
      return checkJsonAnswer(request, response);
    } catch (error) {
      // A failure that already knows its usage (e.g. unusable model output) needs no estimate.
      const usage =
        progress.started && !(error instanceof ProviderError && error.usage)
          ? (progress.usage ?? (await estimateUsage(request, progress.output)))
          : undefined;
      const failure = toProviderError(error, call, guard, usage, (e, u) => classifyBedrockError(call, e, u));
      // An answer we could not read was still an answer the provider billed: its prompt at least is counted.
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
    input: ConverseCommandInput,
    guard: CallGuard,
  ): Promise<ModelResponse> {
    // The race makes the timeout and the caller's abort hold even where the SDK (or a mock) ignores the signal.
    const output = await guard.race(
      this.client.send(new ConverseCommand(input), guard.signal ? { abortSignal: guard.signal } : {}),
    );
    const requestId = output.$metadata?.requestId;
    const content = output.output?.message?.content;
    // An answer that says what it billed is metered even when it is unusable.
    const usage = output.usage ? usageOf(output.usage) : undefined;
    if (!Array.isArray(content) || !usage)
      throw malformed(call, 'the answer has no message or usage', { requestId, usage });
    let text = '';
    const toolCalls: ToolCall[] = [];
    for (const block of content) {
      if (block.text !== undefined) text += block.text;
      if (block.toolUse) {
        const { toolUseId, name, input } = block.toolUse;
        toolCalls.push(
          toolCallFromValue(toolUseId ?? '', name ?? '', input, output.stopReason === 'max_tokens'),
        );
      }
    }
    return this.answer(call, request, text, toolCalls, output.stopReason, usage, requestId);
  }

  private async streamed(
    call: CallIdentity,
    request: ModelRequest,
    input: ConverseCommandInput,
    guard: CallGuard,
    progress: StreamProgress,
    onDelta: (text: string) => void,
  ): Promise<ModelResponse> {
    const output = await guard.race(
      this.client.send(new ConverseStreamCommand(input), guard.signal ? { abortSignal: guard.signal } : {}),
    );
    const requestId = output.$metadata?.requestId;
    if (!output.stream) throw malformed(call, 'ConverseStream returned no stream', { requestId });
    progress.started = true;
    let text = '';
    let stopReason: string | undefined;
    let finished = false;
    const tools: { id: string; name: string; json: string }[] = [];
    const events = output.stream[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = await guard.race(events.next());
        if (next.done) break;
        const event: ConverseStreamOutput = next.value;
        for (const [member, name] of Object.entries(STREAM_EXCEPTIONS)) {
          const exception = (event as unknown as Record<string, AwsErrorShape | undefined>)[member];
          if (exception) {
            throw Object.assign(new Error(exception.message ?? name), {
              name,
              $metadata: exception.$metadata,
            });
          }
        }
        if (event.contentBlockStart?.start?.toolUse) {
          const { toolUseId, name } = event.contentBlockStart.start.toolUse;
          tools[event.contentBlockStart.contentBlockIndex ?? tools.length] = {
            id: toolUseId ?? '',
            name: name ?? '',
            json: '',
          };
        } else if (event.contentBlockDelta?.delta) {
          const { delta, contentBlockIndex } = event.contentBlockDelta;
          if (delta.text !== undefined) {
            text += delta.text;
            progress.output += delta.text;
            onDelta(delta.text);
          } else if (delta.toolUse?.input !== undefined) {
            const tool = tools[contentBlockIndex ?? -1];
            if (!tool)
              throw malformed(
                call,
                `tool input for content block ${contentBlockIndex}, which never started`,
                { requestId },
              );
            tool.json += delta.toolUse.input;
            progress.output += delta.toolUse.input;
            // The schema's tool input is the answer text, so it streams like text.
            if (tool.name === request.responseSchema?.name) onDelta(delta.toolUse.input);
          }
        } else if (event.messageStop) {
          stopReason = event.messageStop.stopReason;
          finished = true;
        } else if (event.metadata?.usage) {
          progress.usage = usageOf(event.metadata.usage);
        }
      }
    } finally {
      if (guard.signal?.aborted) void events.return?.();
    }
    if (!finished) {
      throw new ProviderError({
        ...call,
        kind: 'network',
        message: 'the stream ended before the answer was complete',
        ...(requestId ? { requestId } : {}),
      });
    }
    const usage = progress.usage ?? (await estimateUsage(request, progress.output));
    const cutOff = stopReasonOf(stopReason, false) === 'max_tokens';
    const toolCalls = tools
      .filter(Boolean)
      .map((tool) => toolCallFromText(tool.id, tool.name, tool.json, cutOff));
    return this.answer(call, request, text, toolCalls, stopReason, usage, requestId);
  }

  /**
   * The response, with the response schema's tool call as the answer text. Output
   * Bedrock calls malformed is the model's: its tool calls come back flagged
   * `invalid` for the caller to answer; with none to flag it is unusable as a whole
   * (malformed, retried without cooling the model down).
   */
  private answer(
    call: CallIdentity,
    request: ModelRequest,
    text: string,
    calls: ToolCall[],
    stopReason: string | undefined,
    usage: TokenUsage,
    requestId: string | undefined,
  ): ModelResponse {
    let toolCalls = calls;
    if (stopReason === 'malformed_model_output' || stopReason === 'malformed_tool_use') {
      if (!toolCalls.length || stopReason === 'malformed_model_output')
        throw malformed(call, `the model's output was unusable (${stopReason})`, { requestId, usage });
      toolCalls = toolCalls.map((c) => ({
        ...c,
        arguments: {},
        invalid: {
          reason: c.invalid?.reason ?? 'Bedrock rejected the tool call as malformed (malformed_tool_use)',
          raw: c.invalid?.raw ?? JSON.stringify(c.arguments),
        },
      }));
    }
    const answerTool = request.responseSchema?.name;
    const answer = answerTool ? toolCalls.find((c) => c.name === answerTool) : undefined;
    if (answer) toolCalls = toolCalls.filter((c) => c !== answer);
    let stop = stopReasonOf(stopReason, toolCalls.length > 0);
    // The schema's tool call is the answer: to the caller a finished one.
    if (answer && !toolCalls.length && stop === 'tool_use') stop = 'end';
    return {
      text: answer ? (answer.invalid?.raw ?? JSON.stringify(answer.arguments)) : text,
      toolCalls,
      stopReason: stop,
      usage,
      provider: this.name,
      model: request.model,
      ...(requestId ? { requestId } : {}),
    };
  }
}

interface AwsErrorShape {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string };
  /** The raw HTTP answer a service exception carries (headers by lower-case name). */
  $response?: { headers?: Record<string, string | undefined> };
}

/** A Retry-After the answer carried, for a failure time may mend. */
function retryAfterOf(aws: AwsErrorShape, kind: ProviderFailureKind): number | undefined {
  const raw = aws.$response?.headers;
  if (!raw || !timeMayMend(kind)) return undefined;
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) if (value !== undefined) headers.set(name, value);
  return retryAfterMs(headers);
}

function classifyBedrockError(
  call: CallIdentity,
  error: unknown,
  usage: TokenUsage | undefined,
): ProviderError {
  const aws = (error ?? {}) as AwsErrorShape;
  const status = aws.$metadata?.httpStatusCode;
  const message = messageOf(error);
  let kind: ProviderFailureKind | undefined = aws.name ? KIND_BY_EXCEPTION[aws.name] : undefined;
  if (aws.name === 'ValidationException')
    kind = isContextLengthMessage(message) ? 'context_length' : 'bad_request';
  if (!kind) {
    if (status === 429) kind = 'rate_limited';
    else if (status !== undefined && status >= 500) kind = 'server';
    else if (status === 401 || status === 403) kind = 'auth';
    else if (status === 404) kind = 'not_found';
    else if (status !== undefined && status >= 400)
      kind = isContextLengthMessage(message) ? 'context_length' : 'bad_request';
    // No HTTP answer at all: connection refused, reset, DNS.
    else kind = 'network';
  }
  const wait = retryAfterOf(aws, kind);
  return new ProviderError({
    ...call,
    kind,
    message: aws.name ? `${aws.name}: ${message}` : message,
    ...(status !== undefined ? { httpStatus: status } : {}),
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    ...(aws.$metadata?.requestId ? { requestId: aws.$metadata.requestId } : {}),
    ...(usage ? { usage } : {}),
    cause: error,
  });
}
