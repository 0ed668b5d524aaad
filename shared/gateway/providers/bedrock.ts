import {
  BedrockRuntimeClient,
  type TokenUsage as BedrockTokenUsage,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  type Message,
  type Tool,
  type ToolUseBlock,
} from '@aws-sdk/client-bedrock-runtime';
import { ProviderError, type ProviderFailureKind } from '../errors';
import type { ModelProvider, ModelRequest, ModelResponse, StopReason, TokenUsage, ToolCall } from '../types';
import { CallGuard } from './call-guard';
import {
  type CallIdentity,
  checkJsonAnswer,
  isContextLengthMessage,
  malformed,
  messageOf,
  parseToolArguments,
  toProviderError,
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

/** The conversation as Converse wants it: strictly alternating roles, so consecutive turns of one role merge. */
function wireMessages(request: ModelRequest): Message[] {
  const wire: { role: 'user' | 'assistant'; content: ContentBlock[] }[] = [];
  const append = (role: 'user' | 'assistant', blocks: ContentBlock[]) => {
    if (!blocks.length) return;
    const last = wire[wire.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else wire.push({ role, content: blocks });
  };
  for (const message of request.messages) {
    switch (message.role) {
      case 'user':
        append('user', [{ text: message.content }]);
        break;
      case 'assistant':
        append('assistant', [
          ...(message.content ? [{ text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({
            toolUse: { toolUseId: call.id, name: call.name, input: call.arguments as DocumentType },
          })),
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
        ]);
        break;
    }
  }
  return wire;
}

function converseInput(request: ModelRequest): ConverseCommandInput {
  const system =
    request.responseFormat === 'json'
      ? [request.system, JSON_INSTRUCTION].filter(Boolean).join('\n\n')
      : request.system;
  const input: ConverseCommandInput = {
    modelId: request.model,
    messages: wireMessages(request),
    inferenceConfig: {
      maxTokens: request.maxOutputTokens,
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
    },
  };
  if (system) input.system = [{ text: system }];
  if (request.tools?.length) {
    input.toolConfig = {
      tools: request.tools.map(
        (tool): Tool => ({
          toolSpec: {
            name: tool.name,
            description: tool.description,
            inputSchema: { json: tool.inputSchema as DocumentType },
          },
        }),
      ),
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
      return checkJsonAnswer(call, request, response);
    } catch (error) {
      // A failure that already knows its usage (e.g. a malformed JSON answer) needs no estimate.
      const usage =
        progress.started && !(error instanceof ProviderError && error.usage)
          ? (progress.usage ?? (await estimateUsage(request, progress.output)))
          : undefined;
      throw toProviderError(error, call, guard, usage, (e, u) => classifyBedrockError(call, e, u));
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
    if (!Array.isArray(content) || !output.usage)
      throw malformed(call, 'the answer has no message or usage', { requestId });
    const usage = usageOf(output.usage);
    if (output.stopReason === 'malformed_model_output' || output.stopReason === 'malformed_tool_use') {
      throw malformed(call, `the model's output was unusable (${output.stopReason})`, { requestId, usage });
    }
    let text = '';
    const toolCalls: ToolCall[] = [];
    for (const block of content) {
      if (block.text !== undefined) text += block.text;
      if (block.toolUse) {
        const args = block.toolUse.input;
        if (args === null || typeof args !== 'object' || Array.isArray(args)) {
          throw malformed(call, `tool call ${block.toolUse.name} has an input that is not a JSON object`, {
            requestId,
            usage,
          });
        }
        toolCalls.push({
          id: block.toolUse.toolUseId ?? '',
          name: block.toolUse.name ?? '',
          arguments: args as Record<string, unknown>,
        });
      }
    }
    return this.response(request, text, toolCalls, output.stopReason, usage, requestId);
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
    if (stopReason === 'malformed_model_output' || stopReason === 'malformed_tool_use') {
      throw malformed(call, `the model's output was unusable (${stopReason})`, { requestId, usage });
    }
    const toolCalls: ToolCall[] = [];
    for (const tool of tools.filter(Boolean)) {
      const args = parseToolArguments(tool.json);
      if (!args)
        throw malformed(call, `tool call ${tool.name} has an input that is not a JSON object`, {
          requestId,
          usage,
        });
      toolCalls.push({ id: tool.id, name: tool.name, arguments: args });
    }
    return this.response(request, text, toolCalls, stopReason, usage, requestId);
  }

  private response(
    request: ModelRequest,
    text: string,
    toolCalls: ToolCall[],
    stopReason: string | undefined,
    usage: TokenUsage,
    requestId: string | undefined,
  ): ModelResponse {
    return {
      text,
      toolCalls,
      stopReason: stopReasonOf(stopReason, toolCalls.length > 0),
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
  return new ProviderError({
    ...call,
    kind,
    message: aws.name ? `${aws.name}: ${message}` : message,
    ...(status !== undefined ? { httpStatus: status } : {}),
    ...(aws.$metadata?.requestId ? { requestId: aws.$metadata.requestId } : {}),
    ...(usage ? { usage } : {}),
    cause: error,
  });
}
