import type { ServerResponse } from 'node:http';
import {
  type ErrorOrRawReply,
  interruptionOf,
  type RecordedRequest,
  type ReplyTiming,
  roughTokens,
  type ScriptedServer,
  startScriptedHttpServer,
  wordDeltas,
  writeCutJson,
  writeErrorOrRaw,
  writeJson,
  writeSse,
} from './fake-openai-server';

/**
 * A local server that speaks Anthropic's Messages wire format (JSON and SSE
 * events), answering each request with the next scripted reply, so the real
 * `@anthropic-ai/sdk` (and the gateway above it) can be tested over HTTP.
 */

export type { RecordedRequest, ScriptedServer };

export interface FakeAnthropicUsage {
  /** Uncached input, as Anthropic reports it (cache reads and writes are apart). */
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
}

export interface FakeAnthropicToolUse {
  id?: string;
  name: string;
  /** An object is sent as the tool input; a string is streamed as it is (e.g. broken JSON). */
  input: Record<string, unknown> | string;
}

export type FakeAnthropicReply = ReplyTiming &
  (
    | {
        kind: 'answer';
        /** Extended thinking, streamed (as thinking_delta events) before the text. */
        thinking?: string;
        text?: string;
        toolUses?: FakeAnthropicToolUse[];
        /** Defaults to 'tool_use' with tool uses, else 'end_turn'. */
        stopReason?: string;
        usage?: FakeAnthropicUsage;
        /** Streamed: send this many SSE events, then drop the connection. Not streamed: send half the body. */
        cutAfter?: number;
        /** Streamed: send this many SSE events, then nothing more while keeping the connection open. */
        stallAfter?: number;
        /** Streamed: after this many events send an `error` event of this type (e.g. 'overloaded_error'). */
        errorEvent?: { afterEvents: number; type: string; message?: string };
      }
    | ErrorOrRawReply
  );

type AnswerReply = Extract<FakeAnthropicReply, { kind: 'answer' }>;

function errorBody(type: string, message: string) {
  return { type: 'error', error: { type, message } };
}

/** Scripted replies for the common cases. */
export const anthropicReplies = {
  text: (text: string, extra: Partial<AnswerReply> = {}): FakeAnthropicReply => ({
    kind: 'answer',
    text,
    ...extra,
  }),
  toolUse: (name: string, input: Record<string, unknown> | string, id = 'toolu_1'): FakeAnthropicReply => ({
    kind: 'answer',
    toolUses: [{ id, name, input }],
  }),
  /** 429; `retryAfter` is the Retry-After header's value (seconds or an HTTP date). */
  rateLimited: (retryAfter = '1'): FakeAnthropicReply => ({
    kind: 'error',
    status: 429,
    headers: { 'retry-after': retryAfter },
    body: errorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'),
  }),
  /** 503 that says when to come back: `retryAfter` is the Retry-After header's value (seconds or an HTTP date). */
  unavailable: (retryAfter: string): FakeAnthropicReply => ({
    kind: 'error',
    status: 503,
    headers: { 'retry-after': retryAfter },
    body: errorBody('api_error', 'Service unavailable'),
  }),
  serverError: (status = 500): FakeAnthropicReply => ({
    kind: 'error',
    status,
    body: errorBody('api_error', 'Internal server error'),
  }),
  overloaded: (): FakeAnthropicReply => ({
    kind: 'error',
    status: 529,
    body: errorBody('overloaded_error', 'Overloaded'),
  }),
  contextLength: (): FakeAnthropicReply => ({
    kind: 'error',
    status: 400,
    body: errorBody('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'),
  }),
  /** A 200 whose JSON body cannot be parsed. */
  malformed: (): FakeAnthropicReply => ({
    kind: 'raw',
    body: '{"id":"msg_broken","type":"message","content":[',
  }),
  slow: (
    delayMs: number,
    reply: FakeAnthropicReply = { kind: 'answer', text: 'late' },
  ): FakeAnthropicReply => ({
    ...reply,
    delayMs,
  }),
  streamCut: (text: string, cutAfter: number): FakeAnthropicReply => ({ kind: 'answer', text, cutAfter }),
  streamStall: (text: string, stallAfter: number): FakeAnthropicReply => ({
    kind: 'answer',
    text,
    stallAfter,
  }),
  /** A tool use whose input the output limit cut off (`stop_reason: 'max_tokens'`), billed as `usage` says. */
  cutToolUse: (name: string, rawInput: string, usage?: FakeAnthropicUsage): FakeAnthropicReply => ({
    kind: 'answer',
    toolUses: [{ id: 'toolu_cut', name, input: rawInput }],
    stopReason: 'max_tokens',
    ...(usage ? { usage } : {}),
  }),
  /** A 200 that bills `usage` but carries no content: an answer the gateway cannot use. */
  noContent: (usage: { inputTokens: number; outputTokens: number }): FakeAnthropicReply => ({
    kind: 'raw',
    body: JSON.stringify({
      id: 'msg_empty',
      type: 'message',
      role: 'assistant',
      usage: { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens },
    }),
  }),
};

const DEFAULT_ANTHROPIC_REPLY: FakeAnthropicReply = { kind: 'answer', text: 'ok' };

let anthropicIds = 0;

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

function respondAnthropic(reply: FakeAnthropicReply, request: RecordedRequest, res: ServerResponse): void {
  anthropicIds++;
  const headers = { 'request-id': `req_fake_${anthropicIds}`, ...reply.headers };
  if (writeErrorOrRaw(res, reply, headers, errorBody('api_error', 'error'))) return;
  if (reply.kind !== 'answer') return;
  const id = `msg_fake${anthropicIds}`;
  const model = String(request.body?.model ?? 'fake-model');
  const text = reply.text ?? '';
  const toolUses = (reply.toolUses ?? []).map((use, index) => ({
    id: use.id ?? `toolu_${index + 1}`,
    name: use.name,
    input: use.input,
  }));
  const stopReason = reply.stopReason ?? (toolUses.length ? 'tool_use' : 'end_turn');
  const outputText = text + toolUses.map((u) => JSON.stringify(u.input)).join('');
  const usage = {
    input_tokens: reply.usage?.inputTokens ?? roughTokens(JSON.stringify(request.body?.messages ?? '')),
    output_tokens: reply.usage?.outputTokens ?? roughTokens(outputText),
    cache_read_input_tokens: reply.usage?.cacheReadInputTokens ?? 0,
    cache_creation_input_tokens: reply.usage?.cacheCreationInputTokens ?? 0,
  };

  if (request.body?.stream !== true) {
    const content = [
      ...(text ? [{ type: 'text', text }] : []),
      ...toolUses.map((use) => ({ type: 'tool_use', id: use.id, name: use.name, input: use.input })),
    ];
    const body = {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    };
    if (reply.cutAfter !== undefined) writeCutJson(res, body, headers);
    else writeJson(res, 200, body, headers);
    return;
  }

  const events = [
    sse('message_start', {
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (reply.thinking) {
    events.push(
      sse('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }),
    );
    for (const piece of wordDeltas(reply.thinking)) {
      events.push(sse('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: piece } }));
    }
    events.push(sse('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'c2ln' } }));
    events.push(sse('content_block_stop', { index }));
    index++;
  }
  if (text) {
    events.push(sse('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    events.push(sse('ping', {}));
    for (const piece of wordDeltas(text)) {
      events.push(sse('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
    }
    events.push(sse('content_block_stop', { index }));
    index++;
  }
  for (const use of toolUses) {
    events.push(
      sse('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: use.id, name: use.name, input: {} },
      }),
    );
    const json = typeof use.input === 'string' ? use.input : JSON.stringify(use.input);
    const half = Math.ceil(json.length / 2);
    for (const part of [json.slice(0, half), json.slice(half)]) {
      if (part)
        events.push(
          sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }),
        );
    }
    events.push(sse('content_block_stop', { index }));
    index++;
  }
  events.push(
    sse('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
  );
  events.push(sse('message_stop', {}));
  if (reply.errorEvent) {
    const { afterEvents, type, message } = reply.errorEvent;
    events.splice(
      afterEvents,
      events.length - afterEvents,
      sse('error', { error: { type, message: message ?? type } }),
    );
  }
  writeSse(res, events, headers, interruptionOf(reply));
}

/**
 * Starts a fake Messages server. `url` is the host root, as the SDK's baseURL
 * is (the SDK adds /v1/messages). With nothing queued it answers "ok", fast.
 */
export function startFakeAnthropic(
  script: FakeAnthropicReply[] = [],
): Promise<ScriptedServer<FakeAnthropicReply>> {
  return startScriptedHttpServer({
    script,
    defaultReply: DEFAULT_ANTHROPIC_REPLY,
    respond: respondAnthropic,
    basePath: '',
  });
}
