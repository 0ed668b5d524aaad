import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server that speaks OpenAI's Chat Completions wire format (JSON and
 * SSE), answering each request with the next scripted reply, so the real
 * `openai` SDK (and the gateway above it) can be tested over HTTP.
 */

/** One request as the server received it. Header names are lower case. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary wire fields from recorded bodies.
  body: any;
  /** performance.now() when the whole request had arrived (benches time the model's wire from it). */
  receivedAt: number;
}

export interface ScriptedServer<Reply> {
  /** The base URL to give the SDK. */
  url: string;
  requests: RecordedRequest[];
  /** Queues replies for the next requests, in order. With none queued, the default reply answers. */
  enqueue(...replies: Reply[]): void;
  /** Forgets queued replies and recorded requests (between tests). */
  clear(): void;
  close(): Promise<void>;
}

/** Everything a reply may add to the wire answer, whatever its kind. */
export interface ReplyTiming {
  /** Wait this long before answering (a slow provider, to run past a timeout). */
  delayMs?: number;
  /** Extra headers on the answer (e.g. `helicone-cache: HIT`, as Helicone's gateway sends). */
  headers?: Record<string, string>;
}

type Responder<Reply> = (reply: Reply, request: RecordedRequest, res: ServerResponse) => void;

function recordRequest(req: IncomingMessage, raw: string): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  let body: unknown = raw;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    // Kept as text: the test may want to see what was sent.
  }
  return { method: req.method ?? 'GET', path: req.url ?? '/', headers, body, receivedAt: performance.now() };
}

/**
 * The machinery both fake servers share: 127.0.0.1 on a free port, a FIFO of
 * scripted replies, every request recorded. Exported for the Anthropic fake.
 */
export async function startScriptedHttpServer<Reply extends ReplyTiming>(options: {
  script: Reply[];
  defaultReply: Reply;
  respond: Responder<Reply>;
  basePath: string;
}): Promise<ScriptedServer<Reply>> {
  const queue = [...options.script];
  const requests: RecordedRequest[] = [];
  // Slow replies still waiting, so close() does not leave them holding the process open.
  const delayed = new Set<ReturnType<typeof setTimeout>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = recordRequest(req, Buffer.concat(chunks).toString('utf8'));
      requests.push(request);
      const reply = queue.shift() ?? options.defaultReply;
      if (reply.delayMs) {
        const timer = setTimeout(() => {
          delayed.delete(timer);
          if (!res.destroyed) options.respond(reply, request, res);
        }, reply.delayMs);
        delayed.add(timer);
      } else {
        options.respond(reply, request, res);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.basePath}`,
    requests,
    enqueue: (...replies) => queue.push(...replies),
    clear: () => {
      queue.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of delayed) clearTimeout(timer);
        delayed.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON answer. */
export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The reply kinds both fakes answer the same way. */
export type ErrorOrRawReply =
  | { kind: 'error'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status?: number; body: string; contentType?: string };

/**
 * Answers an `error` or `raw` reply (the provider's error body when the script
 * gives none); returns false for any other kind, which the caller answers.
 */
export function writeErrorOrRaw(
  res: ServerResponse,
  reply: { kind: string },
  headers: Record<string, string>,
  defaultErrorBody: unknown,
): boolean {
  if (reply.kind === 'error') {
    const r = reply as Extract<ErrorOrRawReply, { kind: 'error' }>;
    writeJson(res, r.status, r.body ?? defaultErrorBody, { ...headers, ...r.headers });
    return true;
  }
  if (reply.kind === 'raw') {
    const r = reply as Extract<ErrorOrRawReply, { kind: 'raw' }>;
    res.writeHead(r.status ?? 200, { 'content-type': r.contentType ?? 'application/json', ...headers });
    res.end(r.body);
    return true;
  }
  return false;
}

/**
 * Writes SSE events. With `interrupt`, only `after` events are sent; then the
 * connection is dropped ('cut', as when a provider or proxy dies) or left open
 * with nothing more ('stall', until the client gives up or the server closes).
 */
export function writeSse(
  res: ServerResponse,
  events: string[],
  headers: Record<string, string>,
  interrupt?: { after: number; mode: 'cut' | 'stall' },
): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
  if (!interrupt) {
    res.end(events.join(''));
    return;
  }
  res.write(events.slice(0, interrupt.after).join(''));
  // Let the written events reach the client before the connection drops.
  if (interrupt.mode === 'cut') setTimeout(() => res.destroy(), 20);
}

/** The interruption a reply asks for, if any. */
export function interruptionOf(reply: { cutAfter?: number; stallAfter?: number }) {
  if (reply.cutAfter !== undefined) return { after: reply.cutAfter, mode: 'cut' as const };
  if (reply.stallAfter !== undefined) return { after: reply.stallAfter, mode: 'stall' as const };
  return undefined;
}

/** Writes half of a JSON body and then drops the connection. */
export function writeCutJson(res: ServerResponse, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.write(text.slice(0, Math.floor(text.length / 2)));
  setTimeout(() => res.destroy(), 20);
}

/** Splits text into word-sized deltas, as models stream it ("Hello", " world"). */
export function wordDeltas(text: string): string[] {
  return text.match(/\s*\S+\s*?/g) ?? (text ? [text] : []);
}

/** A rough token count for a fake's usage numbers: 4 characters a token. */
export function roughTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

// ---------------------------------------------------------------- OpenAI

export interface FakeOpenAIUsage {
  /** Includes the cached tokens, as OpenAI reports it. */
  promptTokens?: number;
  completionTokens?: number;
  cachedTokens?: number;
}

export interface FakeOpenAIToolCall {
  id?: string;
  name: string;
  /** An object is sent as its JSON; a string is sent as it is (e.g. broken JSON). */
  arguments: string | Record<string, unknown>;
}

export type FakeOpenAIReply = ReplyTiming &
  (
    | {
        kind: 'answer';
        /** Reasoning an OpenAI-compatible server (vLLM, DeepSeek, Ollama) streams as `delta.reasoning_content` before the text. */
        reasoning?: string;
        text?: string;
        toolCalls?: FakeOpenAIToolCall[];
        /** Defaults to 'tool_calls' with tool calls, else 'stop'. */
        finishReason?: string;
        usage?: FakeOpenAIUsage;
        /** Streamed: send this many SSE chunks (the first carries the role), then drop the connection. Not streamed: send half the body. */
        cutAfter?: number;
        /** Streamed: send this many SSE chunks, then nothing more while keeping the connection open. */
        stallAfter?: number;
      }
    | ErrorOrRawReply
  );

/** Scripted replies for the common cases. */
export const openAIReplies = {
  text: (
    text: string,
    extra: Partial<Extract<FakeOpenAIReply, { kind: 'answer' }>> = {},
  ): FakeOpenAIReply => ({
    kind: 'answer',
    text,
    ...extra,
  }),
  toolCall: (name: string, args: Record<string, unknown> | string, id = 'call_1'): FakeOpenAIReply => ({
    kind: 'answer',
    toolCalls: [{ id, name, arguments: args }],
  }),
  /** 429; `retryAfter` is the Retry-After header's value (seconds or an HTTP date). */
  rateLimited: (retryAfter = '1'): FakeOpenAIReply => ({
    kind: 'error',
    status: 429,
    headers: { 'retry-after': retryAfter },
    body: {
      error: {
        message: 'Rate limit reached for requests',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    },
  }),
  /** 503 that says when to come back: `retryAfter` is the Retry-After header's value (seconds or an HTTP date). */
  unavailable: (retryAfter: string): FakeOpenAIReply => ({
    kind: 'error',
    status: 503,
    headers: { 'retry-after': retryAfter },
    body: {
      error: {
        message: 'The engine is currently overloaded.',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
  }),
  serverError: (status = 500): FakeOpenAIReply => ({
    kind: 'error',
    status,
    body: {
      error: {
        message: 'The server had an error while processing your request.',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
  }),
  contextLength: (): FakeOpenAIReply => ({
    kind: 'error',
    status: 400,
    body: {
      error: {
        message:
          "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
  }),
  /** A 200 whose JSON body cannot be parsed. */
  malformed: (): FakeOpenAIReply => ({ kind: 'raw', body: '{"id":"chatcmpl-broken","choices":[{"message":' }),
  slow: (delayMs: number, reply: FakeOpenAIReply = { kind: 'answer', text: 'late' }): FakeOpenAIReply => ({
    ...reply,
    delayMs,
  }),
  streamCut: (text: string, cutAfter: number): FakeOpenAIReply => ({ kind: 'answer', text, cutAfter }),
  streamStall: (text: string, stallAfter: number): FakeOpenAIReply => ({ kind: 'answer', text, stallAfter }),
  /** A tool call whose arguments the output limit cut off: `finish_reason: 'length'`, billed as `usage` says. */
  cutToolCall: (name: string, rawArguments: string, usage?: FakeOpenAIUsage): FakeOpenAIReply => ({
    kind: 'answer',
    toolCalls: [{ id: 'call_cut', name, arguments: rawArguments }],
    finishReason: 'length',
    ...(usage ? { usage } : {}),
  }),
  /** A 200 that bills `usage` but carries no choice: an answer the gateway cannot use. */
  noChoices: (
    usage: Required<Pick<FakeOpenAIUsage, 'promptTokens' | 'completionTokens'>>,
  ): FakeOpenAIReply => ({
    kind: 'raw',
    body: JSON.stringify({
      id: 'chatcmpl-empty',
      object: 'chat.completion',
      choices: [],
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
      },
    }),
  }),
};

const DEFAULT_OPENAI_REPLY: FakeOpenAIReply = { kind: 'answer', text: 'ok' };

let openAIIds = 0;

function openAIUsage(reply: { usage?: FakeOpenAIUsage }, request: RecordedRequest, output: string) {
  const prompt = reply.usage?.promptTokens ?? roughTokens(JSON.stringify(request.body?.messages ?? ''));
  const completion = reply.usage?.completionTokens ?? roughTokens(output);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: reply.usage?.cachedTokens ?? 0 },
  };
}

export function respondOpenAI(reply: FakeOpenAIReply, request: RecordedRequest, res: ServerResponse): void {
  openAIIds++;
  const headers = { 'x-request-id': `req_fake_${openAIIds}`, ...reply.headers };
  if (writeErrorOrRaw(res, reply, headers, { error: { message: 'error', type: 'error' } })) return;
  if (reply.kind !== 'answer') return;
  const id = `chatcmpl-fake${openAIIds}`;
  const model = String(request.body?.model ?? 'fake-model');
  const created = Math.floor(Date.now() / 1000);
  const text = reply.text ?? '';
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_${index + 1}`,
    type: 'function' as const,
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
    },
  }));
  const finishReason = reply.finishReason ?? (toolCalls.length ? 'tool_calls' : 'stop');
  const usage = openAIUsage(reply, request, text + toolCalls.map((c) => c.function.arguments).join(''));

  if (request.body?.stream !== true) {
    const body = {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text || (toolCalls.length ? null : ''),
            refusal: null,
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
    };
    if (reply.cutAfter !== undefined) writeCutJson(res, body, headers);
    else writeJson(res, 200, body, headers);
    return;
  }

  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`;
  const delta = (d: Record<string, unknown>, finish: string | null = null) =>
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
  const events = [delta({ role: 'assistant', content: '', refusal: null })];
  for (const piece of wordDeltas(reply.reasoning ?? '')) events.push(delta({ reasoning_content: piece }));
  for (const piece of wordDeltas(text)) events.push(delta({ content: piece }));
  toolCalls.forEach((call, index) => {
    events.push(
      delta({
        tool_calls: [
          { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } },
        ],
      }),
    );
    const args = call.function.arguments;
    const half = Math.ceil(args.length / 2);
    for (const part of [args.slice(0, half), args.slice(half)]) {
      if (part) events.push(delta({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  events.push(delta({}, finishReason));
  if (request.body?.stream_options?.include_usage === true) events.push(chunk([], { usage }));
  events.push('data: [DONE]\n\n');
  writeSse(res, events, headers, interruptionOf(reply));
}

/**
 * Starts a fake Chat Completions server. `url` ends in /v1, as the SDK's baseURL
 * does. With nothing queued it answers "ok", fast, as many times as asked.
 */
export function startFakeOpenAI(script: FakeOpenAIReply[] = []): Promise<ScriptedServer<FakeOpenAIReply>> {
  return startScriptedHttpServer({
    script,
    defaultReply: DEFAULT_OPENAI_REPLY,
    respond: respondOpenAI,
    basePath: '/v1',
  });
}
