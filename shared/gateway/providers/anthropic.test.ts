import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  anthropicReplies,
  type FakeAnthropicReply,
  type ScriptedServer,
  startFakeAnthropic,
} from '../../testing/fake-anthropic-server';
import { abortOnceReceived, failure } from '../../testing/provider-failure';
import { loadTokenCounter } from '../routing/token-counter';
import type { ModelRequest } from '../types';
import { AnthropicProvider, JSON_ANSWER_TOOL } from './anthropic';

const context = { tenantId: 't-acme', taskId: 'task-1', employeeId: 'qa' };

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'claude-test',
    system: 'You are QA.',
    messages: [{ role: 'user', content: 'Review this.' }],
    maxOutputTokens: 200,
    context,
    ...overrides,
  };
}

const writeTool = {
  name: 'workspace_write',
  description: 'Write a file',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } } },
};
const testTool = { name: 'sandbox_test', description: 'Run the tests', inputSchema: { type: 'object' } };

let server: ScriptedServer<FakeAnthropicReply>;
let provider: AnthropicProvider;

beforeAll(async () => {
  server = await startFakeAnthropic();
  provider = new AnthropicProvider({ apiKey: 'sk-ant-test', baseURL: server.url });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clear();
});

describe('AnthropicProvider', () => {
  it('answers a text prompt with usage, stop reason and the request id', async () => {
    server.enqueue(anthropicReplies.text('Looks good.', { usage: { inputTokens: 30, outputTokens: 4 } }));
    const response = await provider.complete(request());
    expect(response).toMatchObject({
      text: 'Looks good.',
      toolCalls: [],
      stopReason: 'end',
      usage: { inputTokens: 30, outputTokens: 4, cachedInputTokens: 0 },
      provider: 'anthropic',
      model: 'claude-test',
    });
    expect(response.requestId).toMatch(/^req_fake_/);
    const sent = server.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.body).toMatchObject({
      model: 'claude-test',
      max_tokens: 200,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Review this.' }] }],
    });
  });

  it('marks the system prompt, the last tool and cache-flagged user blocks for prompt caching', async () => {
    await provider.complete(
      request({
        tools: [writeTool, testTool],
        messages: [
          { role: 'user', content: 'Retrieved context: a long document', cache: true },
          { role: 'user', content: 'The question' },
        ],
      }),
    );
    const body = server.requests[0]!.body;
    expect(body.system).toEqual([
      { type: 'text', text: 'You are QA.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tools[0].cache_control).toBeUndefined();
    expect(body.tools[1]).toEqual({
      name: 'sandbox_test',
      description: 'Run the tests',
      input_schema: { type: 'object' },
      cache_control: { type: 'ephemeral' },
    });
    // Consecutive user turns merge into one message; only the flagged block is a breakpoint.
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Retrieved context: a long document', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'The question' },
        ],
      },
    ]);
  });

  it('never sends more than four cache breakpoints, keeping the latest flagged blocks', async () => {
    const flagged = ['doc 1', 'doc 2', 'doc 3', 'doc 4'].flatMap((doc) => [
      { role: 'user' as const, content: doc, cache: true },
      { role: 'assistant' as const, content: `read ${doc}` },
    ]);
    await provider.complete(
      request({ tools: [writeTool], messages: [...flagged, { role: 'user', content: 'go' }] }),
    );
    const body = server.requests[0]!.body;
    const marked = JSON.stringify(body).match(/"cache_control"/g) ?? [];
    expect(marked).toHaveLength(4);
    const markedTexts = body.messages
      .flatMap((m: { content: { text?: string; cache_control?: unknown }[] }) => m.content)
      .filter((b: { cache_control?: unknown }) => b.cache_control)
      .map((b: { text?: string }) => b.text);
    expect(markedTexts).toEqual(['doc 3', 'doc 4']);
  });

  it('sends a tool round trip as tool_use and merged tool_result blocks and parses tool calls back', async () => {
    server.enqueue(anthropicReplies.toolUse('sandbox_test', { runtime: 'python' }, 'toolu_7'));
    const response = await provider.complete(
      request({
        tools: [writeTool, testTool],
        messages: [
          { role: 'user', content: 'Write and test.' },
          {
            role: 'assistant',
            content: 'Writing two files.',
            toolCalls: [
              { id: 'toolu_1', name: 'workspace_write', arguments: { path: 'a.py' } },
              { id: 'toolu_2', name: 'workspace_write', arguments: { path: 'b.py' } },
            ],
          },
          { role: 'tool', toolCallId: 'toolu_1', name: 'workspace_write', content: 'written' },
          {
            role: 'tool',
            toolCallId: 'toolu_2',
            name: 'workspace_write',
            content: 'disk full',
            isError: true,
          },
        ],
      }),
    );
    expect(response.stopReason).toBe('tool_use');
    expect(response.toolCalls).toEqual([
      { id: 'toolu_7', name: 'sandbox_test', arguments: { runtime: 'python' } },
    ]);
    expect(server.requests[0]!.body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Writing two files.' },
          { type: 'tool_use', id: 'toolu_1', name: 'workspace_write', input: { path: 'a.py' } },
          { type: 'tool_use', id: 'toolu_2', name: 'workspace_write', input: { path: 'b.py' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'written' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'disk full', is_error: true },
        ],
      },
    ]);
  });

  it('answers JSON mode through a forced JSON tool and returns the object as the text', async () => {
    server.enqueue(anthropicReplies.toolUse(JSON_ANSWER_TOOL, { verdict: 'pass', findings: [] }));
    const response = await provider.complete(request({ responseFormat: 'json' }));
    expect(response.text).toBe('{"verdict":"pass","findings":[]}');
    expect(response.stopReason).toBe('end');
    expect(response.toolCalls).toEqual([]);
    const body = server.requests[0]!.body;
    expect(body.tool_choice).toEqual({ type: 'tool', name: JSON_ANSWER_TOOL });
    expect(body.tools.map((t: { name: string }) => t.name)).toEqual([JSON_ANSWER_TOOL]);
  });

  it('lets a JSON-mode call with tools still call them', async () => {
    server.enqueue(anthropicReplies.toolUse('sandbox_test', {}));
    const response = await provider.complete(request({ responseFormat: 'json', tools: [testTool] }));
    expect(server.requests[0]!.body.tool_choice).toEqual({ type: 'any' });
    expect(response.toolCalls.map((c) => c.name)).toEqual(['sandbox_test']);
    expect(response.stopReason).toBe('tool_use');
  });

  it('streams text deltas in order and reports the final usage', async () => {
    server.enqueue(
      anthropicReplies.text('Red green refactor.', {
        usage: { inputTokens: 12, outputTokens: 5, cacheReadInputTokens: 900, cacheCreationInputTokens: 100 },
      }),
    );
    const deltas: string[] = [];
    const response = await provider.complete(request({ onDelta: (d) => deltas.push(d) }));
    expect(deltas).toEqual(['Red', ' green', ' refactor.']);
    expect(response).toMatchObject({
      text: 'Red green refactor.',
      stopReason: 'end',
      usage: { inputTokens: 112, outputTokens: 5, cachedInputTokens: 900, cacheWriteTokens: 100 },
    });
    expect(server.requests[0]!.body.stream).toBe(true);
  });

  it('assembles streamed tool input and streams a JSON answer as text', async () => {
    server.enqueue(anthropicReplies.toolUse('workspace_write', { path: 'a.py', content: 'print(1)' }));
    const tool = await provider.complete(request({ tools: [writeTool], onDelta: () => {} }));
    expect(tool.toolCalls).toEqual([
      { id: 'toolu_1', name: 'workspace_write', arguments: { path: 'a.py', content: 'print(1)' } },
    ]);
    server.enqueue(anthropicReplies.toolUse(JSON_ANSWER_TOOL, { verdict: 'fail' }));
    const deltas: string[] = [];
    const json = await provider.complete(request({ responseFormat: 'json', onDelta: (d) => deltas.push(d) }));
    expect(json.text).toBe('{"verdict":"fail"}');
    expect(deltas.join('')).toBe('{"verdict":"fail"}');
  });

  it('counts cache reads as cached input and cache writes as input', async () => {
    server.enqueue(
      anthropicReplies.text('ok', {
        usage: {
          inputTokens: 50,
          outputTokens: 2,
          cacheReadInputTokens: 4000,
          cacheCreationInputTokens: 1200,
        },
      }),
    );
    const response = await provider.complete(request());
    expect(response.usage).toEqual({
      inputTokens: 1250,
      outputTokens: 2,
      cachedInputTokens: 4000,
      cacheWriteTokens: 1200,
    });
  });

  it('turns a 429 with Retry-After into rate_limited with retryAfterMs, without retrying', async () => {
    server.enqueue(anthropicReplies.rateLimited('3'));
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ kind: 'rate_limited', httpStatus: 429, retryAfterMs: 3000 });
    expect(server.requests).toHaveLength(1);
  });

  it('reads the Retry-After of a 503, in seconds or as an HTTP date', async () => {
    server.enqueue(anthropicReplies.unavailable('12'));
    expect(await failure(provider.complete(request()))).toMatchObject({
      kind: 'server',
      httpStatus: 503,
      retryAfterMs: 12_000,
    });
    server.enqueue(anthropicReplies.unavailable(new Date(Date.now() + 90_000).toUTCString()));
    const wait = (await failure(provider.complete(request()))).retryAfterMs!;
    expect(wait).toBeGreaterThan(80_000);
    expect(wait).toBeLessThanOrEqual(90_000);
    expect(server.requests).toHaveLength(2);
  });

  it('turns a 529 into overloaded and a 500 into server', async () => {
    server.enqueue(anthropicReplies.overloaded());
    expect(await failure(provider.complete(request()))).toMatchObject({
      kind: 'overloaded',
      httpStatus: 529,
    });
    server.enqueue(anthropicReplies.serverError(500));
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ kind: 'server', httpStatus: 500 });
    expect(error.requestId).toMatch(/^req_fake_/);
    expect(server.requests).toHaveLength(2);
  });

  it('turns an overloaded_error event inside a stream into overloaded with the tokens consumed', async () => {
    server.enqueue({
      kind: 'answer',
      text: 'one two three four',
      usage: { inputTokens: 40 },
      errorEvent: { afterEvents: 4, type: 'overloaded_error' },
    });
    const error = await failure(provider.complete(request({ onDelta: () => {} })));
    expect(error.kind).toBe('overloaded');
    expect(error.usage).toMatchObject({ inputTokens: 40 });
    expect(error.usage!.outputTokens).toBeGreaterThan(0);
  });

  it('tells a prompt too long for the model from other bad requests', async () => {
    server.enqueue(anthropicReplies.contextLength());
    expect((await failure(provider.complete(request()))).kind).toBe('context_length');
    server.enqueue({
      kind: 'error',
      status: 400,
      body: {
        type: 'error',
        error: { type: 'invalid_request_error', message: 'messages: text content blocks must be non-empty' },
      },
    });
    expect((await failure(provider.complete(request()))).kind).toBe('bad_request');
  });

  it('calls an unparsable 2xx body malformed, counting its prompt', async () => {
    server.enqueue(anthropicReplies.malformed());
    const unreadable = await failure(provider.complete(request()));
    expect(unreadable.kind).toBe('malformed');
    expect(unreadable.usage?.inputTokens).toBeGreaterThan(0);
    server.enqueue({ kind: 'raw', body: JSON.stringify({ id: 'msg_1', type: 'message' }) });
    expect((await failure(provider.complete(request()))).kind).toBe('malformed');
  });

  it('meters a 2xx without content at the usage its body billed', async () => {
    server.enqueue(anthropicReplies.noContent({ inputTokens: 800, outputTokens: 90 }));
    const error = await failure(provider.complete(request()));
    expect(error.kind).toBe('malformed');
    expect(error.usage).toEqual({ inputTokens: 800, outputTokens: 90, cachedInputTokens: 0 });
  });

  it('returns a streamed tool input cut off at max_tokens, flagged invalid, with the stop reason and usage', async () => {
    const raw = '{"path": "big.py", "content": "def slug';
    server.enqueue(
      anthropicReplies.cutToolUse('workspace_write', raw, { inputTokens: 400, outputTokens: 200 }),
    );
    const response = await provider.complete(request({ tools: [writeTool], onDelta: () => {} }));
    expect(response.toolCalls).toEqual([
      {
        id: 'toolu_cut',
        name: 'workspace_write',
        arguments: {},
        invalid: { reason: `the arguments are not valid JSON (cut off after ${raw.length} characters)`, raw },
      },
    ]);
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage).toEqual({ inputTokens: 400, outputTokens: 200, cachedInputTokens: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('returns a whole answer’s tool input that is not an object flagged invalid', async () => {
    server.enqueue(anthropicReplies.toolUse('workspace_write', '{"path": '));
    const response = await provider.complete(request({ tools: [writeTool] }));
    expect(response.toolCalls[0]).toMatchObject({
      name: 'workspace_write',
      arguments: {},
      invalid: { reason: expect.stringMatching(/^the arguments are not valid JSON/), raw: '{"path": ' },
    });
  });

  it('answers structured output through a forced tool named for the schema, whole and streamed', async () => {
    const schema = { type: 'object', properties: { verdict: { enum: ['pass', 'fail'] } } };
    const responseSchema = { name: 'submit_verdict', description: 'The verdict.', schema };
    server.enqueue(anthropicReplies.toolUse('submit_verdict', { verdict: 'pass', findings: 'ok {x}' }));
    const whole = await provider.complete(request({ responseSchema }));
    expect(whole).toMatchObject({
      text: '{"verdict":"pass","findings":"ok {x}"}',
      toolCalls: [],
      stopReason: 'end',
    });
    const body = server.requests[0]!.body;
    expect(body.tools).toEqual([
      {
        name: 'submit_verdict',
        description: 'The verdict.',
        input_schema: schema,
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(body.tool_choice).toEqual({ type: 'tool', name: 'submit_verdict' });

    server.enqueue(anthropicReplies.toolUse('submit_verdict', { verdict: 'fail' }));
    const deltas: string[] = [];
    const streamed = await provider.complete(request({ responseSchema, onDelta: (d) => deltas.push(d) }));
    expect(streamed.text).toBe('{"verdict":"fail"}');
    expect(deltas.join('')).toBe('{"verdict":"fail"}');
  });

  it('returns a structured answer cut off at max_tokens as the text the model wrote', async () => {
    server.enqueue(anthropicReplies.cutToolUse('submit_plan', '{"summary": "Build a slug'));
    const response = await provider.complete(
      request({ responseSchema: { name: 'submit_plan', description: 'd', schema: {} }, onDelta: () => {} }),
    );
    expect(response).toMatchObject({
      text: '{"summary": "Build a slug',
      toolCalls: [],
      stopReason: 'max_tokens',
    });
  });

  it('sends the tool choice as Anthropic names it', async () => {
    await provider.complete(request({ tools: [testTool], toolChoice: 'required' }));
    await provider.complete(request({ tools: [testTool], toolChoice: { name: 'sandbox_test' } }));
    await provider.complete(request({ tools: [testTool], toolChoice: 'auto' }));
    await provider.complete(request({ tools: [testTool] }));
    expect(server.requests.map((r) => r.body.tool_choice)).toEqual([
      { type: 'any' },
      { type: 'tool', name: 'sandbox_test' },
      { type: 'auto' },
      undefined,
    ]);
  });

  it('puts a cache breakpoint on the last block of a marked assistant or tool message', async () => {
    await provider.complete(
      request({
        messages: [
          { role: 'user', content: 'Write it.' },
          {
            role: 'assistant',
            content: 'Writing.',
            toolCalls: [{ id: 'toolu_1', name: 'workspace_write', arguments: { path: 'a.py' } }],
            cache: true,
          },
          { role: 'tool', toolCallId: 'toolu_1', name: 'workspace_write', content: 'written', cache: true },
          { role: 'user', content: 'Now test.' },
        ],
      }),
    );
    const [, assistant, user] = server.requests[0]!.body.messages;
    expect(assistant.content).toEqual([
      { type: 'text', text: 'Writing.' },
      {
        type: 'tool_use',
        id: 'toolu_1',
        name: 'workspace_write',
        input: { path: 'a.py' },
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(user.content).toEqual([
      {
        type: 'tool_result',
        tool_use_id: 'toolu_1',
        content: 'written',
        cache_control: { type: 'ephemeral' },
      },
      { type: 'text', text: 'Now test.' },
    ]);
  });

  it('gives up on a slow answer after timeoutMs with a timeout', async () => {
    server.enqueue(anthropicReplies.slow(2000));
    expect((await failure(provider.complete(request({ timeoutMs: 100 })))).kind).toBe('timeout');
    // Had the timeout not fired, the late answer would have come back as a success.
  });

  it('times out a stream that stalls mid-answer and accounts for what it streamed', async () => {
    server.enqueue({
      ...anthropicReplies.streamStall('one two three', 5),
      usage: { inputTokens: 21 },
    } as FakeAnthropicReply);
    const deltas: string[] = [];
    const error = await failure(
      provider.complete(request({ timeoutMs: 150, onDelta: (d) => deltas.push(d) })),
    );
    expect(error.kind).toBe('timeout');
    expect(deltas).toEqual(['one', ' two']);
    expect(error.usage).toEqual({ inputTokens: 21, outputTokens: 2, cachedInputTokens: 0 });
  });

  it('reports a stream the caller aborted mid-answer as cancelled, with its tokens', async () => {
    server.enqueue(anthropicReplies.streamStall('one two three', 4));
    const controller = new AbortController();
    const error = await failure(
      provider.complete(request({ signal: controller.signal, onDelta: () => controller.abort() })),
    );
    expect(error.kind).toBe('cancelled');
    expect(error.usage!.outputTokens).toBe(1);
  });

  it('reports a call the caller aborted as cancelled', async () => {
    server.enqueue(anthropicReplies.slow(2000));
    const controller = new AbortController();
    void abortOnceReceived(server, controller);
    const error = await failure(provider.complete(request({ signal: controller.signal, onDelta: () => {} })));
    expect(error.kind).toBe('cancelled');
  });

  it('counts the extended thinking a cut stream had streamed as output', async () => {
    const thinking = 'one two three four five six';
    // message_start, the thinking block (start, six deltas, signature, stop), the text block's start, ping, two text deltas.
    server.enqueue({
      kind: 'answer',
      thinking,
      text: 'alpha beta gamma',
      usage: { inputTokens: 77 },
      cutAfter: 14,
    });
    const deltas: string[] = [];
    const error = await failure(provider.complete(request({ onDelta: (d) => deltas.push(d) })));
    expect(error.kind).toBe('network');
    expect(deltas).toEqual(['alpha', ' beta']);
    const count = (await loadTokenCounter())!;
    expect(error.usage).toEqual({
      inputTokens: 77,
      outputTokens: count(`${thinking}alpha beta`),
      cachedInputTokens: 0,
    });
  });

  it('fails a stream cut midway with the input it reported and the output streamed so far', async () => {
    server.enqueue({
      ...anthropicReplies.streamCut('alpha beta gamma delta', 5),
      usage: { inputTokens: 77 },
    } as FakeAnthropicReply);
    const deltas: string[] = [];
    const error = await failure(provider.complete(request({ onDelta: (d) => deltas.push(d) })));
    expect(error.kind).toBe('network');
    // message_start, content_block_start, ping, then two text deltas.
    expect(deltas).toEqual(['alpha', ' beta']);
    expect(error.usage).toEqual({ inputTokens: 77, outputTokens: 2, cachedInputTokens: 0 });
  });
});

describe('AnthropicProvider through Helicone', () => {
  it('sends every call to the Helicone base URL with its auth and property headers', async () => {
    const viaHelicone = new AnthropicProvider({
      apiKey: 'sk-ant-test',
      helicone: { apiKey: 'hk-secret', baseURL: server.url },
    });
    await viaHelicone.complete(request({ onDelta: () => {} }));
    const headers = server.requests[0]!.headers;
    expect(headers).toMatchObject({
      'helicone-auth': 'Bearer hk-secret',
      'helicone-property-tenant': 't-acme',
      'helicone-property-task': 'task-1',
      'helicone-property-employee': 'qa',
    });
    expect(headers['helicone-cache-enabled']).toBeUndefined();
  });

  it('bills nothing for an answer Helicone served from its cache (Helicone-Cache: HIT), streamed or not', async () => {
    const viaHelicone = new AnthropicProvider({
      apiKey: 'sk-ant-test',
      helicone: { apiKey: 'hk', baseURL: server.url },
    });
    const hit = { headers: { 'helicone-cache': 'HIT' }, usage: { inputTokens: 900, outputTokens: 40 } };
    server.enqueue(anthropicReplies.text('cached', hit), anthropicReplies.text('cached', hit));
    const cached = request({ context: { ...context, heliconeCache: true } });
    const none = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
    expect(await viaHelicone.complete(cached)).toMatchObject({ text: 'cached', usage: none });
    expect((await viaHelicone.complete({ ...cached, onDelta: () => {} })).usage).toEqual(none);
    server.enqueue(
      anthropicReplies.text('fresh', { headers: { 'helicone-cache': 'MISS' }, usage: hit.usage }),
    );
    expect((await viaHelicone.complete(cached)).usage).toMatchObject({ inputTokens: 900, outputTokens: 40 });
  });

  it('turns on the Helicone cache only for a tenant that opted in', async () => {
    const viaHelicone = new AnthropicProvider({
      apiKey: 'sk-ant-test',
      helicone: { apiKey: 'hk', baseURL: server.url },
    });
    await viaHelicone.complete(request({ context: { ...context, heliconeCache: true } }));
    expect(server.requests[0]!.headers['helicone-cache-enabled']).toBe('true');
    await provider.complete(request({ context: { ...context, heliconeCache: true } }));
    expect(Object.keys(server.requests[1]!.headers).filter((h) => h.startsWith('helicone'))).toEqual([]);
  });
});
