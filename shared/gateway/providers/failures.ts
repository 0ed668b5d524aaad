import { jsonrepair } from 'jsonrepair';
import { ProviderError, type ProviderFailureKind, timeMayMend } from '../errors';
import type { ModelRequest, ModelResponse, TokenUsage, ToolCall } from '../types';
import type { CallGuard } from './call-guard';

/** What identifies one failed call in a ProviderError. */
export interface CallIdentity {
  provider: string;
  model: string;
}

/** The parts of an HTTP API error both the OpenAI and the Anthropic SDK expose. */
export interface HttpApiFailure {
  status: number | undefined;
  headers: Headers | undefined;
  message: string;
  requestId: string | undefined;
  /** The body's `error.type` (Anthropic: 'overloaded_error'; OpenAI: 'invalid_request_error'). */
  errorType: string | undefined;
  /** The body's `error.code` (OpenAI: 'context_length_exceeded'). */
  errorCode: string | undefined;
}

/**
 * The wording providers use for a prompt that does not fit the model (OpenAI,
 * Anthropic, Bedrock, vLLM, Ollama). Only consulted for a 400 without a code saying so.
 */
const CONTEXT_LENGTH_MESSAGE =
  /context[ _-]?(length|window|limit)|prompt is too long|maximum context|too many (input )?tokens|input is too long/i;

export function isContextLengthMessage(message: string): boolean {
  return CONTEXT_LENGTH_MESSAGE.test(message);
}

/**
 * How long the provider asked us to wait: `retry-after-ms` (OpenAI's, in ms) first,
 * then `Retry-After` as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const after = headers.get('retry-after');
  if (!after) return undefined;
  const seconds = Number(after.trim());
  if (after.trim() !== '' && Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The failure kind for an HTTP error status (and the error type or code in its body). */
export function kindForHttpFailure(failure: HttpApiFailure): ProviderFailureKind {
  const { status, errorType, errorCode, message } = failure;
  if (errorType === 'overloaded_error' || status === 529) return 'overloaded';
  if (status === 429 || errorType === 'rate_limit_error') return 'rate_limited';
  if (errorCode === 'context_length_exceeded') return 'context_length';
  if (status === undefined) {
    // An error event inside a 200 stream carries only the body's type.
    if (errorType === 'invalid_request_error')
      return isContextLengthMessage(message) ? 'context_length' : 'bad_request';
    if (errorType === 'authentication_error' || errorType === 'permission_error') return 'auth';
    if (errorType === 'not_found_error') return 'not_found';
    return 'server';
  }
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 409 || status >= 500) return 'server';
  if (status === 400 || status === 413 || status === 422) {
    return isContextLengthMessage(message) ? 'context_length' : 'bad_request';
  }
  return 'bad_request';
}

export function providerErrorFromHttp(
  call: CallIdentity,
  failure: HttpApiFailure,
  cause: unknown,
  usage?: TokenUsage,
): ProviderError {
  const kind = kindForHttpFailure(failure);
  // A 503 (or 429, 529, 408) may say when to come back; it is honoured whatever the kind.
  const wait = timeMayMend(kind) ? retryAfterMs(failure.headers) : undefined;
  return new ProviderError({
    ...call,
    kind,
    message: failure.status ? `HTTP ${failure.status}: ${failure.message}` : failure.message,
    ...(failure.status !== undefined ? { httpStatus: failure.status } : {}),
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    ...(failure.requestId ? { requestId: failure.requestId } : {}),
    ...(usage ? { usage } : {}),
    cause,
  });
}

/** The message of anything thrown, for an error we wrap. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * Decides a thrown error's kind when the caller's signal or our timeout explains
 * it, whatever the SDK made of the abort; otherwise asks the provider's own classifier.
 */
export function toProviderError(
  error: unknown,
  call: CallIdentity,
  guard: CallGuard,
  usage: TokenUsage | undefined,
  classify: (error: unknown, usage: TokenUsage | undefined) => ProviderError,
): ProviderError {
  const consumed = usage ?? (error instanceof ProviderError ? error.usage : undefined);
  const consumedField = consumed ? { usage: consumed } : {};
  // Checked first: an SDK stream ends quietly when aborted, which we would otherwise report as a cut stream.
  if (guard.cancelled) {
    return new ProviderError({
      ...call,
      kind: 'cancelled',
      message: 'the caller cancelled the call',
      ...consumedField,
      cause: error,
    });
  }
  if (guard.timedOut) {
    return new ProviderError({
      ...call,
      kind: 'timeout',
      message: 'no complete answer within the timeout',
      ...consumedField,
      cause: error,
    });
  }
  if (error instanceof ProviderError) {
    // Our own failure from inside a stream: add what the stream had consumed.
    return withUsage(error, usage);
  }
  return classify(error, usage);
}

/** A ProviderError for a 2xx answer we cannot use. */
export function malformed(
  call: CallIdentity,
  message: string,
  extra: { requestId?: string | undefined; usage?: TokenUsage | undefined; cause?: unknown } = {},
): ProviderError {
  return new ProviderError({
    ...call,
    kind: 'malformed',
    message,
    ...(extra.requestId ? { requestId: extra.requestId } : {}),
    ...(extra.usage ? { usage: extra.usage } : {}),
    ...(extra.cause !== undefined ? { cause: extra.cause } : {}),
  });
}

/**
 * Tool-call arguments as the gateway carries them: a JSON object. An empty string
 * (some models send it for a tool without parameters) is `{}`; anything else that
 * is not a JSON object is unusable, so undefined.
 */
export function parseToolArguments(raw: string): Record<string, unknown> | undefined {
  if (raw.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Arguments a model wrote in almost-JSON, as smaller models often do (single quotes, a trailing
 * comma, unquoted keys, a comment), read by jsonrepair. Never for output cut at the limit, nor
 * for an object left open: that would close a half-written file and run the call with it.
 */
function repairedArguments(raw: string): Record<string, unknown> | undefined {
  // Only a closed object is mended; jsonrepair would also complete a truncated one.
  if (!/^\s*\{[\s\S]*\}\s*$/.test(raw)) return undefined;
  try {
    return parseToolArguments(jsonrepair(raw));
  } catch {
    return undefined;
  }
}

const MARKDOWN_FENCE = /^```(?:json)?\s*([\s\S]*?)\s*```$/;

/**
 * A JSON-mode answer as the JSON object it must be: the text itself, or the
 * inside of a Markdown code fence around it. Undefined when it is no JSON object.
 */
export function extractJsonObject(text: string): string | undefined {
  const trimmed = text.trim();
  const candidate = MARKDOWN_FENCE.exec(trimmed)?.[1] ?? trimmed;
  if (candidate === '') return undefined;
  return parseToolArguments(candidate) ? candidate : undefined;
}

/**
 * A finished JSON-mode or structured-output answer as the JSON object it should be:
 * a Markdown fence around it is unwrapped. Anything else is returned as the model
 * wrote it: what the model wrote is the caller's to repair with the model, never a
 * provider failure to retry blindly.
 */
export function checkJsonAnswer(request: ModelRequest, response: ModelResponse): ModelResponse {
  if (request.responseFormat !== 'json' && !request.responseSchema) return response;
  if (response.toolCalls.length) return response;
  const json = extractJsonObject(response.text);
  return json === undefined || json === response.text ? response : { ...response, text: json };
}

/**
 * A tool call as the gateway returns it, from the arguments text the model wrote:
 * parsed when they are a JSON object, else `arguments: {}` with `invalid` saying
 * why (cut off at the output limit, not JSON, or JSON but not an object), so the
 * caller can tell the model instead of the gateway retrying the same request.
 */
export function toolCallFromText(id: string, name: string, raw: string, cutOff: boolean): ToolCall {
  const parsed = parseToolArguments(raw) ?? (cutOff ? undefined : repairedArguments(raw));
  if (parsed) return { id, name, arguments: parsed };
  return { id, name, arguments: {}, invalid: { reason: invalidArgumentsReason(raw, cutOff), raw } };
}

/**
 * A tool call whose input the provider gave as a parsed JSON value (Anthropic's and
 * Bedrock's whole answers); a string is taken as the arguments' text.
 */
export function toolCallFromValue(id: string, name: string, input: unknown, cutOff = false): ToolCall {
  if (input !== null && typeof input === 'object' && !Array.isArray(input))
    return { id, name, arguments: input as Record<string, unknown> };
  if (typeof input === 'string') return toolCallFromText(id, name, input, cutOff);
  const raw = JSON.stringify(input) ?? '';
  return { id, name, arguments: {}, invalid: { reason: invalidArgumentsReason(raw, false), raw } };
}

function invalidArgumentsReason(raw: string, cutOff: boolean): string {
  if (cutOff) return `the arguments are not valid JSON (cut off after ${raw.length} characters)`;
  try {
    const value: unknown = JSON.parse(raw);
    const what = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return `the arguments are ${what}, not a JSON object`;
  } catch (e) {
    return `the arguments are not valid JSON (${(e as Error).message})`;
  }
}

/** A ProviderError with the tokens its call consumed added, when it had none. */
export function withUsage(error: ProviderError, usage: TokenUsage | undefined): ProviderError {
  if (error.usage || !usage) return error;
  return new ProviderError({
    provider: error.provider,
    model: error.model,
    kind: error.kind,
    message: error.message.slice(`${error.provider}/${error.model}: `.length),
    ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
    usage,
    cause: error.cause,
  });
}

// biome-ignore lint/suspicious/noExplicitAny: constructor signatures differ per SDK; only instanceof is used.
type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * The error classes of an SDK generated the way `openai` and
 * `@anthropic-ai/sdk` are: the same hierarchy under different names.
 */
export interface SdkErrorClasses<Api extends Error> {
  abort: ErrorClass;
  timeout: ErrorClass;
  connection: ErrorClass;
  api: abstract new (...args: never[]) => Api;
  /** The SDK's base class: anything else it throws is a body it could not parse. */
  base: ErrorClass;
}

/** Any failure of such an SDK's call, as a ProviderError of the right kind. */
export function classifySdkError<Api extends Error>(
  call: CallIdentity,
  error: unknown,
  usage: TokenUsage | undefined,
  sdk: SdkErrorClasses<Api>,
  describe: (error: Api) => HttpApiFailure,
): ProviderError {
  const withUsage = usage ? { usage } : {};
  const plain = (kind: ProviderFailureKind, message: string) =>
    new ProviderError({ ...call, kind, message, ...withUsage, cause: error });
  if (error instanceof sdk.abort) return plain('cancelled', 'the request was aborted');
  if (error instanceof sdk.timeout) return plain('timeout', 'no answer within the timeout');
  if (error instanceof sdk.connection) return plain('network', messageOf(error));
  if (error instanceof sdk.api) return providerErrorFromHttp(call, describe(error), error, usage);
  // The SDK's own parse failures (a 2xx body or an SSE event that is not JSON).
  if (error instanceof SyntaxError || error instanceof sdk.base) {
    return malformed(call, `the answer could not be parsed: ${messageOf(error)}`, { usage, cause: error });
  }
  // fetch's TypeError('terminated') and friends: the connection broke.
  return plain('network', messageOf(error));
}
