import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeOpenAIReply,
  openAIReplies,
  type ScriptedServer,
  startFakeOpenAI,
} from '../../testing/fake-openai-server';
import { abortOnceReceived, failure } from '../../testing/provider-failure';
import { loadTokenCounter } from '../routing/token-counter';
import type { ModelRequest } from '../types';
import { OpenAIProvider, openAICompatibleProvider } from './openai';

const context = { tenantId: 't-acme', taskId: 'task-1', stepId: 'step-2', employeeId: 'dev' };

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'gpt-test',
    system: 'You are a careful engineer.',
    messages: [{ role: 'user', content: 'Say hello.' }],
    maxOutputTokens: 100,
    context,
    ...overrides,
  };
}

let server: ScriptedServer<FakeOpenAIReply>;
let provider: OpenAIProvider;

beforeAll(async () => {
  server = await startFakeOpenAI();
  provider = new OpenAIProvider({ apiKey: 'sk-test', baseURL: server.url });
});
afterAll(() => server.close());
beforeEach(() => {
  server.clear();
});

describe('OpenAIProvider', () => {
  it('answers a text prompt with usage, stop reason and the request id', async () => {
    server.enqueue(openAIReplies.text('Hello there.', { usage: { promptTokens: 20, completionTokens: 3 } }));
    const response = await provider.complete(request());
    expect(response).toMatchObject({
      text: 'Hello there.',
      toolCalls: [],
      stopReason: 'end',
      usage: { inputTokens: 20, outputTokens: 3, cachedInputTokens: 0 },
      provider: 'openai',
      model: 'gpt-test',
    });
    expect(response.requestId).toMatch(/^req_fake_/);
    const sent = server.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.body).toMatchObject({
      model: 'gpt-test',
      max_completion_tokens: 100,
      messages: [
        { role: 'system', content: 'You are a careful engineer.' },
        { role: 'user', content: 'Say hello.' },
      ],
    });
    expect(sent.body.stream).toBe(false);
    expect(sent.body.tools).toBeUndefined();
  });

  it('sends tools and a tool round trip on the wire and parses the tool call back', async () => {
    server.enqueue(openAIReplies.toolCall('workspace_write', { path: 'a.py', content: 'x = 1' }, 'call_9'));
    const response = await provider.complete(
      request({
        tools: [
          {
            name: 'workspace_write',
            description: 'Write a file',
            inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
          },
        ],
        messages: [
          { role: 'user', content: 'Write the file.' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'call_1', name: 'memory_search', arguments: { q: 'a' } }],
          },
          { role: 'tool', toolCallId: 'call_1', name: 'memory_search', content: 'nothing found' },
          { role: 'tool', toolCallId: 'call_2', name: 'memory_search', content: 'boom', isError: true },
        ],
      }),
    );
    expect(response.stopReason).toBe('tool_use');
    expect(response.toolCalls).toEqual([
      { id: 'call_9', name: 'workspace_write', arguments: { path: 'a.py', content: 'x = 1' } },
    ]);
    const body = server.requests[0]!.body;
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'workspace_write',
          description: 'Write a file',
          parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
        },
      },
    ]);
    expect(body.messages.slice(1)).toEqual([
      { role: 'user', content: 'Write the file.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'memory_search', arguments: '{"q":"a"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'nothing found' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Error: boom' },
    ]);
  });

  it('asks for a JSON object in JSON mode and unwraps a fenced answer', async () => {
    server.enqueue(openAIReplies.text('```json\n{"verdict":"pass"}\n```'));
    const response = await provider.complete(request({ responseFormat: 'json' }));
    expect(response.text).toBe('{"verdict":"pass"}');
    const body = server.requests[0]!.body;
    expect(body.response_format).toEqual({ type: 'json_object' });
    // json_object mode is refused unless the prompt mentions JSON.
    expect(body.messages[0].content).toContain('JSON');
  });

  it('returns a JSON-mode answer that is not a JSON object as the model wrote it, for the caller to repair', async () => {
    server.enqueue(
      openAIReplies.text('Sure! Here it is: verdict pass', {
        usage: { promptTokens: 30, completionTokens: 8 },
      }),
    );
    const response = await provider.complete(request({ responseFormat: 'json' }));
    expect(response).toMatchObject({
      text: 'Sure! Here it is: verdict pass',
      stopReason: 'end',
      usage: { inputTokens: 30, outputTokens: 8 },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('asks for structured output as a json_schema response format and unwraps a fenced answer', async () => {
    server.enqueue(openAIReplies.text('```json\n{"summary":"s","steps":[]}\n```'));
    const schema = { type: 'object', properties: { summary: { type: 'string' } }, required: ['summary'] };
    const response = await provider.complete(
      request({ responseSchema: { name: 'submit_plan', description: 'The plan.', schema } }),
    );
    expect(response.text).toBe('{"summary":"s","steps":[]}');
    expect(server.requests[0]!.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'submit_plan', description: 'The plan.', schema, strict: false },
    });
  });

  it('sends the tool choice as OpenAI names it', async () => {
    const tools = [{ name: 'submit_verdict', description: 'Verdict', inputSchema: { type: 'object' } }];
    await provider.complete(request({ tools, toolChoice: 'required' }));
    await provider.complete(request({ tools, toolChoice: { name: 'submit_verdict' } }));
    await provider.complete(request({ tools }));
    expect(server.requests.map((r) => r.body.tool_choice)).toEqual([
      'required',
      { type: 'function', function: { name: 'submit_verdict' } },
      undefined,
    ]);
  });

  it('streams text deltas in order and reports the final usage', async () => {
    server.enqueue(
      openAIReplies.text('One two three four.', {
        usage: { promptTokens: 50, completionTokens: 4, cachedTokens: 10 },
      }),
    );
    const deltas: string[] = [];
    const response = await provider.complete(request({ onDelta: (d) => deltas.push(d) }));
    expect(deltas).toEqual(['One', ' two', ' three', ' four.']);
    expect(response.text).toBe('One two three four.');
    expect(response.stopReason).toBe('end');
    expect(response.usage).toEqual({ inputTokens: 40, outputTokens: 4, cachedInputTokens: 10 });
    expect(server.requests[0]!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('accumulates streamed tool-call deltas into whole tool calls', async () => {
    server.enqueue(openAIReplies.toolCall('sandbox_test', { runtime: 'python', args: ['-q'] }, 'call_s'));
    const response = await provider.complete(request({ onDelta: () => {} }));
    expect(response.stopReason).toBe('tool_use');
    expect(response.toolCalls).toEqual([
      { id: 'call_s', name: 'sandbox_test', arguments: { runtime: 'python', args: ['-q'] } },
    ]);
  });

  it('returns a refusal as the text with a content_filter stop', async () => {
    server.enqueue({
      kind: 'raw',
      body: JSON.stringify({
        id: 'chatcmpl-r',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 9, completion_tokens: 6 },
      }),
    });
    const response = await provider.complete(request());
    expect(response).toMatchObject({ text: 'I cannot help with that.', stopReason: 'content_filter' });
  });

  it('answers many concurrent calls with the default reply when nothing is scripted', async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => provider.complete(request())));
    expect(responses.map((r) => r.text)).toEqual(Array(20).fill('ok'));
    expect(server.requests).toHaveLength(20);
  });

  it('turns a 429 with Retry-After seconds into rate_limited with retryAfterMs', async () => {
    server.enqueue(openAIReplies.rateLimited('2'));
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({
      kind: 'rate_limited',
      httpStatus: 429,
      retryAfterMs: 2000,
      provider: 'openai',
    });
    expect(error.retryable).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('prefers retry-after-ms and reads Retry-After as an HTTP date', async () => {
    server.enqueue({
      ...openAIReplies.rateLimited('30'),
      headers: { 'retry-after-ms': '1500', 'retry-after': '30' },
    } as FakeOpenAIReply);
    expect((await failure(provider.complete(request()))).retryAfterMs).toBe(1500);
    server.enqueue(openAIReplies.rateLimited(new Date(Date.now() + 5000).toUTCString()));
    const wait = (await failure(provider.complete(request()))).retryAfterMs!;
    expect(wait).toBeGreaterThan(2000);
    expect(wait).toBeLessThanOrEqual(5000);
  });

  it('reads the Retry-After of a 503, in seconds or as an HTTP date', async () => {
    server.enqueue(openAIReplies.unavailable('7'));
    expect(await failure(provider.complete(request()))).toMatchObject({
      kind: 'server',
      httpStatus: 503,
      retryAfterMs: 7000,
    });
    server.enqueue(openAIReplies.unavailable(new Date(Date.now() + 90_000).toUTCString()));
    const wait = (await failure(provider.complete(request()))).retryAfterMs!;
    expect(wait).toBeGreaterThan(80_000);
    expect(wait).toBeLessThanOrEqual(90_000);
    expect(server.requests).toHaveLength(2);
  });

  it('turns a 500 into a server error and does not retry it itself', async () => {
    server.enqueue(openAIReplies.serverError(500));
    const error = await failure(provider.complete(request()));
    expect(error).toMatchObject({ kind: 'server', httpStatus: 500 });
    expect(error.requestId).toMatch(/^req_fake_/);
    expect(server.requests).toHaveLength(1);
  });

  it('tells a prompt too long for the model from other bad requests', async () => {
    server.enqueue(openAIReplies.contextLength());
    expect((await failure(provider.complete(request()))).kind).toBe('context_length');
    server.enqueue({
      kind: 'error',
      status: 400,
      body: { error: { message: 'temperature must be <= 2', type: 'invalid_request_error' } },
    });
    const bad = await failure(provider.complete(request()));
    expect(bad.kind).toBe('bad_request');
    expect(bad.retryable).toBe(false);
  });

  it('maps 401 to auth and 404 to not_found', async () => {
    server.enqueue({ kind: 'error', status: 401, body: { error: { message: 'Incorrect API key' } } });
    expect((await failure(provider.complete(request()))).kind).toBe('auth');
    server.enqueue({ kind: 'error', status: 404, body: { error: { message: 'The model does not exist' } } });
    expect((await failure(provider.complete(request()))).kind).toBe('not_found');
  });

  it('calls an unparsable 2xx body malformed', async () => {
    server.enqueue(openAIReplies.malformed());
    const error = await failure(provider.complete(request()));
    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('openai/gpt-test');
  });

  it('calls a 2xx without choices malformed, with the usage its body billed', async () => {
    server.enqueue(openAIReplies.noChoices({ promptTokens: 900, completionTokens: 117 }));
    const error = await failure(provider.complete(request()));
    expect(error.kind).toBe('malformed');
    expect(error.usage).toEqual({ inputTokens: 900, outputTokens: 117, cachedInputTokens: 0 });
  });

  it('counts the prompt of a 2xx body it could not parse at all', async () => {
    server.enqueue(openAIReplies.malformed());
    const error = await failure(provider.complete(request()));
    expect(error.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('returns a tool call cut off at the output limit, flagged invalid, with the stop reason and usage', async () => {
    const raw = '{"path": "big.py", "content": "def slugify(text):\n    return';
    server.enqueue(
      openAIReplies.cutToolCall('workspace_write', raw, { promptTokens: 700, completionTokens: 100 }),
    );
    const response = await provider.complete(request());
    expect(response.toolCalls).toEqual([
      {
        id: 'call_cut',
        name: 'workspace_write',
        arguments: {},
        invalid: { reason: `the arguments are not valid JSON (cut off after ${raw.length} characters)`, raw },
      },
    ]);
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage).toEqual({ inputTokens: 700, outputTokens: 100, cachedInputTokens: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('returns streamed tool-call arguments cut off at the output limit the same way', async () => {
    const raw = '{"path": "big.py", "content": "x = [1, 2,';
    server.enqueue(
      openAIReplies.cutToolCall('workspace_write', raw, { promptTokens: 50, completionTokens: 20 }),
    );
    const response = await provider.complete(request({ onDelta: () => {} }));
    expect(response.toolCalls[0]).toMatchObject({
      name: 'workspace_write',
      arguments: {},
      invalid: { reason: expect.stringContaining('cut off after'), raw },
    });
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage).toEqual({ inputTokens: 50, outputTokens: 20, cachedInputTokens: 0 });
  });

  it('returns arguments that are JSON but not an object as invalid, saying what they are', async () => {
    server.enqueue(openAIReplies.toolCall('workspace_read', '["a.py"]'));
    const response = await provider.complete(request());
    expect(response.toolCalls[0]).toMatchObject({
      arguments: {},
      invalid: { reason: 'the arguments are an array, not a JSON object', raw: '["a.py"]' },
    });
    expect(response.stopReason).toBe('tool_use');
  });

  it('gives up on a slow answer after timeoutMs with a timeout', async () => {
    server.enqueue(openAIReplies.slow(2000));
    const error = await failure(provider.complete(request({ timeoutMs: 100 })));
    expect(error.kind).toBe('timeout');
    // Had the timeout not fired, the late answer would have come back as a success.
  });

  it('times out a stream that stalls after its headers', async () => {
    server.enqueue(openAIReplies.slow(2000));
    const error = await failure(provider.complete(request({ timeoutMs: 100, onDelta: () => {} })));
    expect(error.kind).toBe('timeout');
  });

  it('times out a stream that stalls mid-answer and accounts for what it streamed', async () => {
    server.enqueue(openAIReplies.streamStall('one two three', 3));
    const deltas: string[] = [];
    const error = await failure(
      provider.complete(request({ timeoutMs: 150, onDelta: (d) => deltas.push(d) })),
    );
    expect(error.kind).toBe('timeout');
    expect(deltas).toEqual(['one', ' two']);
    expect(error.usage!.outputTokens).toBe(2);
  });

  it('reports a stream the caller aborted mid-answer as cancelled, with its tokens', async () => {
    server.enqueue(openAIReplies.streamStall('one two three', 2));
    const controller = new AbortController();
    const error = await failure(
      provider.complete(request({ signal: controller.signal, onDelta: () => controller.abort() })),
    );
    expect(error.kind).toBe('cancelled');
    expect(error.usage!.outputTokens).toBe(1);
  });

  it('reports a call the caller aborted as cancelled', async () => {
    server.enqueue(openAIReplies.slow(2000));
    const controller = new AbortController();
    void abortOnceReceived(server, controller);
    const error = await failure(provider.complete(request({ signal: controller.signal, timeoutMs: 5000 })));
    expect(error.kind).toBe('cancelled');
    expect(error.retryable).toBe(false);
  });

  it('fails a stream cut midway with the tokens it consumed', async () => {
    server.enqueue(openAIReplies.streamCut('alpha beta gamma delta epsilon', 3));
    const deltas: string[] = [];
    const error = await failure(provider.complete(request({ onDelta: (d) => deltas.push(d) })));
    expect(error.kind).toBe('network');
    expect(deltas).toEqual(['alpha', ' beta']);
    expect(error.usage).toBeDefined();
    expect(error.usage!.inputTokens).toBeGreaterThan(0);
    expect(error.usage!.outputTokens).toBeGreaterThan(0);
  });

  it('counts the reasoning a cut stream had streamed (reasoning_content) as output', async () => {
    const local = openAICompatibleProvider({ name: 'vllm', baseURL: server.url });
    const reasoning = 'one two three four five six';
    // The role chunk, six reasoning deltas, then two text deltas before the cut.
    server.enqueue({ kind: 'answer', reasoning, text: 'alpha beta gamma', cutAfter: 9 });
    const deltas: string[] = [];
    const error = await failure(local.complete(request({ onDelta: (d) => deltas.push(d) })));
    expect(error.kind).toBe('network');
    expect(deltas).toEqual(['alpha', ' beta']);
    const count = (await loadTokenCounter())!;
    expect(error.usage!.outputTokens).toBe(count(`${reasoning}alpha beta`));
  });

  it('counts cached prompt tokens apart from the uncached input', async () => {
    server.enqueue(
      openAIReplies.text('ok', { usage: { promptTokens: 3000, completionTokens: 5, cachedTokens: 2048 } }),
    );
    const response = await provider.complete(request());
    expect(response.usage).toEqual({ inputTokens: 952, outputTokens: 5, cachedInputTokens: 2048 });
  });

  it('reports a refused connection as a network failure', async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    const orphan = new OpenAIProvider({ apiKey: 'sk-test', baseURL: gone.url });
    expect((await failure(orphan.complete(request()))).kind).toBe('network');
  });
});

describe('OpenAIProvider through Helicone', () => {
  it('sends every call to the Helicone base URL with its auth and property headers', async () => {
    const viaHelicone = new OpenAIProvider({
      apiKey: 'sk-test',
      baseURL: 'http://127.0.0.1:9/never-used',
      helicone: { apiKey: 'hk-secret', baseURL: server.url },
    });
    await viaHelicone.complete(request());
    const headers = server.requests[0]!.headers;
    expect(headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'helicone-auth': 'Bearer hk-secret',
      'helicone-property-tenant': 't-acme',
      'helicone-property-task': 'task-1',
      'helicone-property-employee': 'dev',
    });
    expect(headers['helicone-cache-enabled']).toBeUndefined();
  });

  it('turns on the Helicone cache only for a tenant that opted in', async () => {
    const viaHelicone = new OpenAIProvider({
      apiKey: 'sk-test',
      helicone: { apiKey: 'hk', baseURL: server.url },
    });
    await viaHelicone.complete(request({ context: { ...context, heliconeCache: true }, onDelta: () => {} }));
    expect(server.requests[0]!.headers['helicone-cache-enabled']).toBe('true');
  });

  it('bills nothing for an answer Helicone served from its cache (Helicone-Cache: HIT), streamed or not', async () => {
    const viaHelicone = new OpenAIProvider({
      apiKey: 'sk-test',
      helicone: { apiKey: 'hk', baseURL: server.url },
    });
    const hit = { headers: { 'helicone-cache': 'HIT' }, usage: { promptTokens: 900, completionTokens: 40 } };
    server.enqueue(openAIReplies.text('cached', hit), openAIReplies.text('cached', hit));
    const cached = request({ context: { ...context, heliconeCache: true } });
    const none = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
    expect(await viaHelicone.complete(cached)).toMatchObject({ text: 'cached', usage: none });
    expect((await viaHelicone.complete({ ...cached, onDelta: () => {} })).usage).toEqual(none);
    server.enqueue(openAIReplies.text('fresh', { headers: { 'helicone-cache': 'MISS' }, usage: hit.usage }));
    expect((await viaHelicone.complete(cached)).usage).toMatchObject({ inputTokens: 900, outputTokens: 40 });
  });

  it('sends no Helicone header without the helicone option', async () => {
    await provider.complete(request({ context: { ...context, heliconeCache: true } }));
    expect(Object.keys(server.requests[0]!.headers).filter((h) => h.startsWith('helicone'))).toEqual([]);
  });
});

describe('openAICompatibleProvider', () => {
  it('is its own named provider, sends max_tokens and never the OpenAI key from the environment', async () => {
    const saved = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'sk-from-environment';
    try {
      const ollama = openAICompatibleProvider({ name: 'ollama', baseURL: server.url });
      const response = await ollama.complete(request({ model: 'llama3.2' }));
      expect(response.provider).toBe('ollama');
      const sent = server.requests[0]!;
      expect(sent.body.max_tokens).toBe(100);
      expect(sent.body.max_completion_tokens).toBeUndefined();
      expect(sent.headers.authorization).not.toContain('sk-from-environment');
      await ollama.complete(
        request({ model: 'llama3.2', responseSchema: { name: 'submit_plan', description: 'd', schema: {} } }),
      );
      expect(server.requests[1]!.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { name: 'submit_plan', strict: false },
      });
    } finally {
      if (saved === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = saved;
    }
  });

  it('returns a tool call cut off at the output limit flagged invalid, streamed or not', async () => {
    const local = openAICompatibleProvider({ name: 'vllm', baseURL: server.url });
    const raw = '{"path": "notes.md", "content": "# Notes';
    server.enqueue(
      openAIReplies.cutToolCall('workspace_write', raw),
      openAIReplies.cutToolCall('workspace_write', raw),
    );
    for (const streamed of [false, true]) {
      const response = await local.complete(request(streamed ? { onDelta: () => {} } : {}));
      expect(response.stopReason).toBe('max_tokens');
      expect(response.toolCalls[0]!.invalid).toEqual({
        reason: `the arguments are not valid JSON (cut off after ${raw.length} characters)`,
        raw,
      });
    }
    expect(server.requests).toHaveLength(2);
  });

  it('estimates usage with a tokenizer when the server reports none', async () => {
    server.enqueue({
      kind: 'raw',
      body: JSON.stringify({
        id: 'cmpl-1',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Hello from a local model' },
            finish_reason: 'stop',
          },
        ],
      }),
    });
    const local = openAICompatibleProvider({ name: 'vllm', baseURL: server.url, apiKey: 'local' });
    const response = await local.complete(request());
    expect(response.usage.inputTokens).toBeGreaterThan(5);
    expect(response.usage.outputTokens).toBe(5);
    expect(response.stopReason).toBe('end');
  });
});
