import {
  AccessDeniedException,
  BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
  InternalServerException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { failure } from '../../testing/provider-failure';
import type { ProviderFailureKind } from '../errors';
import type { ModelRequest } from '../types';
import { BedrockProvider } from './bedrock';

const client = new BedrockRuntimeClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
});
const bedrock = mockClient(client);
const provider = new BedrockProvider({ client });
const MODEL = 'anthropic.claude-test-v1:0';
const metadata = { httpStatusCode: 200, requestId: 'bedrock-req-1' };

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: MODEL,
    system: 'You are the researcher.',
    messages: [{ role: 'user', content: 'List the requirements.' }],
    maxOutputTokens: 300,
    context: { tenantId: 't-acme', taskId: 'task-1', employeeId: 'researcher' },
    ...overrides,
  };
}

function answer(text: string, extra: Partial<ConverseCommandOutput> = {}): ConverseCommandOutput {
  return {
    output: { message: { role: 'assistant', content: [{ text }] } },
    stopReason: 'end_turn',
    usage: { inputTokens: 25, outputTokens: 6, totalTokens: 31 },
    metrics: { latencyMs: 5 },
    $metadata: metadata,
    ...extra,
  };
}

async function* eventsOf(events: ConverseStreamOutput[], end?: { error?: Error; stallMs?: number }) {
  for (const event of events) yield event;
  if (end?.stallMs) await new Promise((resolve) => setTimeout(resolve, end.stallMs));
  if (end?.error) throw end.error;
}

function textStream(pieces: string[]): ConverseStreamOutput[] {
  return [
    { messageStart: { role: 'assistant' } },
    ...pieces.map((text) => ({ contentBlockDelta: { contentBlockIndex: 0, delta: { text } } })),
    { contentBlockStop: { contentBlockIndex: 0 } },
  ];
}

beforeEach(() => {
  bedrock.reset();
});

describe('BedrockProvider with Converse', () => {
  it('answers a text prompt with usage, stop reason and the request id', async () => {
    bedrock.on(ConverseCommand).resolves(answer('Three requirements.'));
    const response = await provider.complete(request({ temperature: 0.2 }));
    expect(response).toEqual({
      text: 'Three requirements.',
      toolCalls: [],
      stopReason: 'end',
      usage: { inputTokens: 25, outputTokens: 6, cachedInputTokens: 0 },
      provider: 'bedrock',
      model: MODEL,
      requestId: 'bedrock-req-1',
    });
    expect(bedrock.commandCalls(ConverseCommand)[0]!.args[0].input).toEqual({
      modelId: MODEL,
      system: [{ text: 'You are the researcher.' }],
      messages: [{ role: 'user', content: [{ text: 'List the requirements.' }] }],
      inferenceConfig: { maxTokens: 300, temperature: 0.2 },
    });
  });

  it('sends tools and a tool round trip as toolUse and merged toolResult blocks, and parses tool calls back', async () => {
    bedrock.on(ConverseCommand).resolves(
      answer('', {
        output: {
          message: {
            role: 'assistant',
            content: [{ toolUse: { toolUseId: 'tu-9', name: 'memory_search', input: { query: 'parsers' } } }],
          },
        },
        stopReason: 'tool_use',
      }),
    );
    const response = await provider.complete(
      request({
        tools: [{ name: 'memory_search', description: 'Search memory', inputSchema: { type: 'object' } }],
        messages: [
          { role: 'user', content: 'Research.' },
          {
            role: 'assistant',
            content: 'Searching twice.',
            toolCalls: [
              { id: 'tu-1', name: 'memory_search', arguments: { query: 'a' } },
              { id: 'tu-2', name: 'memory_search', arguments: { query: 'b' } },
            ],
          },
          { role: 'tool', toolCallId: 'tu-1', name: 'memory_search', content: 'found a' },
          { role: 'tool', toolCallId: 'tu-2', name: 'memory_search', content: 'index down', isError: true },
        ],
      }),
    );
    expect(response.stopReason).toBe('tool_use');
    expect(response.toolCalls).toEqual([
      { id: 'tu-9', name: 'memory_search', arguments: { query: 'parsers' } },
    ]);
    const input = bedrock.commandCalls(ConverseCommand)[0]!.args[0].input;
    expect(input.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'memory_search',
            description: 'Search memory',
            inputSchema: { json: { type: 'object' } },
          },
        },
      ],
    });
    expect(input.messages!.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { text: 'Searching twice.' },
          { toolUse: { toolUseId: 'tu-1', name: 'memory_search', input: { query: 'a' } } },
          { toolUse: { toolUseId: 'tu-2', name: 'memory_search', input: { query: 'b' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tu-1', content: [{ text: 'found a' }] } },
          { toolResult: { toolUseId: 'tu-2', content: [{ text: 'index down' }], status: 'error' } },
        ],
      },
    ]);
  });

  it('asks for JSON in the system prompt, unwraps a fenced object and returns prose as written', async () => {
    bedrock
      .on(ConverseCommand)
      .resolvesOnce(answer('```json\n{"ok":true}\n```'))
      .resolvesOnce(answer('It is fine.'));
    const response = await provider.complete(request({ responseFormat: 'json' }));
    expect(response.text).toBe('{"ok":true}');
    expect(bedrock.commandCalls(ConverseCommand)[0]!.args[0].input.system![0]!.text).toMatch(
      /single JSON object/,
    );
    const prose = await provider.complete(request({ responseFormat: 'json' }));
    expect(prose).toMatchObject({ text: 'It is fine.', stopReason: 'end' });
  });

  it('answers structured output through a forced tool and returns its input as the text', async () => {
    bedrock.on(ConverseCommand).resolves(
      answer('', {
        output: {
          message: {
            role: 'assistant',
            content: [
              { toolUse: { toolUseId: 'tu-1', name: 'submit_plan', input: { summary: 's', steps: [] } } },
            ],
          },
        },
        stopReason: 'tool_use',
      }),
    );
    const schema = { type: 'object', properties: { summary: { type: 'string' } } };
    const response = await provider.complete(
      request({
        responseFormat: 'json',
        responseSchema: { name: 'submit_plan', description: 'The plan.', schema },
      }),
    );
    expect(response).toMatchObject({ text: '{"summary":"s","steps":[]}', toolCalls: [], stopReason: 'end' });
    const input = bedrock.commandCalls(ConverseCommand)[0]!.args[0].input;
    expect(input.toolConfig).toEqual({
      tools: [{ toolSpec: { name: 'submit_plan', description: 'The plan.', inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: 'submit_plan' } },
    });
    // The schema replaces JSON mode's instruction.
    expect(input.system).toEqual([{ text: 'You are the researcher.' }]);
  });

  it('streams a structured answer as text and returns it cut off as the model wrote it', async () => {
    const schemaTool = (stopReason: 'tool_use' | 'max_tokens', pieces: string[]) => ({
      $metadata: metadata,
      stream: eventsOf([
        { messageStart: { role: 'assistant' } },
        {
          contentBlockStart: {
            contentBlockIndex: 0,
            start: { toolUse: { toolUseId: 'tu-1', name: 'submit_verdict' } },
          },
        },
        ...pieces.map((input) => ({
          contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input } } },
        })),
        { messageStop: { stopReason } },
        {
          metadata: {
            usage: { inputTokens: 9, outputTokens: 4, totalTokens: 13 },
            metrics: { latencyMs: 1 },
          },
        },
      ]),
    });
    bedrock
      .on(ConverseStreamCommand)
      .resolvesOnce(schemaTool('tool_use', ['{"verdict":', '"pass"}']))
      .resolvesOnce(schemaTool('max_tokens', ['{"verdict":', '"pa']));
    const responseSchema = {
      name: 'submit_verdict',
      description: 'The verdict.',
      schema: { type: 'object' },
    };
    const deltas: string[] = [];
    const whole = await provider.complete(request({ responseSchema, onDelta: (d) => deltas.push(d) }));
    expect(whole).toMatchObject({ text: '{"verdict":"pass"}', toolCalls: [], stopReason: 'end' });
    expect(deltas.join('')).toBe('{"verdict":"pass"}');
    const cut = await provider.complete(request({ responseSchema, onDelta: () => {} }));
    expect(cut).toMatchObject({ text: '{"verdict":"pa', toolCalls: [], stopReason: 'max_tokens' });
  });

  it('sends the tool choice as Converse names it', async () => {
    bedrock.on(ConverseCommand).resolves(answer('ok'));
    const tools = [{ name: 'memory_search', description: 'Search', inputSchema: { type: 'object' } }];
    await provider.complete(request({ tools, toolChoice: 'required' }));
    await provider.complete(request({ tools, toolChoice: { name: 'memory_search' } }));
    await provider.complete(request({ tools, toolChoice: 'auto' }));
    await provider.complete(request({ tools }));
    expect(bedrock.commandCalls(ConverseCommand).map((c) => c.args[0].input.toolConfig?.toolChoice)).toEqual([
      { any: {} },
      { tool: { name: 'memory_search' } },
      { auto: {} },
      undefined,
    ]);
  });

  it('puts a cachePoint after the system prompt and the latest marked messages, none without marks', async () => {
    bedrock.on(ConverseCommand).resolves(answer('ok'));
    await provider.complete(
      request({
        messages: [
          { role: 'user', content: 'doc 1', cache: true },
          { role: 'assistant', content: 'read 1' },
          { role: 'user', content: 'doc 2', cache: true },
          { role: 'assistant', content: 'read 2', cache: true },
          { role: 'user', content: 'doc 3', cache: true },
          { role: 'assistant', content: 'read 3' },
          { role: 'user', content: 'go' },
        ],
      }),
    );
    await provider.complete(request());
    const [marked, plain] = bedrock.commandCalls(ConverseCommand).map((c) => c.args[0].input);
    const point = { cachePoint: { type: 'default' } };
    expect(marked!.system).toEqual([{ text: 'You are the researcher.' }, point]);
    // Four in all: the system prompt's and the three latest marks.
    expect(marked!.messages!.map((m) => m.content)).toEqual([
      [{ text: 'doc 1' }],
      [{ text: 'read 1' }],
      [{ text: 'doc 2' }, point],
      [{ text: 'read 2' }, point],
      [{ text: 'doc 3' }, point],
      [{ text: 'read 3' }],
      [{ text: 'go' }],
    ]);
    expect(JSON.stringify(plain)).not.toContain('cachePoint');
  });

  it('returns a tool input that is not an object, and one Bedrock calls malformed_tool_use, flagged invalid', async () => {
    const toolAnswer = (input: unknown, stopReason: 'tool_use' | 'malformed_tool_use') =>
      answer('', {
        output: {
          message: {
            role: 'assistant',
            content: [{ toolUse: { toolUseId: 'tu-1', name: 'memory_search', input: input as never } }],
          },
        },
        stopReason,
      });
    bedrock
      .on(ConverseCommand)
      .resolvesOnce(toolAnswer([1, 2], 'tool_use'))
      .resolvesOnce(toolAnswer({ query: 7 }, 'malformed_tool_use'));
    const notObject = await provider.complete(request());
    expect(notObject.toolCalls).toEqual([
      {
        id: 'tu-1',
        name: 'memory_search',
        arguments: {},
        invalid: { reason: 'the arguments are an array, not a JSON object', raw: '[1,2]' },
      },
    ]);
    const rejected = await provider.complete(request());
    expect(rejected.toolCalls[0]).toMatchObject({
      arguments: {},
      invalid: { reason: expect.stringContaining('malformed_tool_use'), raw: '{"query":7}' },
    });
    expect(rejected.stopReason).toBe('tool_use');
    expect(rejected.usage.inputTokens).toBe(25);
  });

  it('counts cache reads as cached input and cache writes as input', async () => {
    bedrock.on(ConverseCommand).resolves(
      answer('ok', {
        usage: {
          inputTokens: 40,
          outputTokens: 3,
          totalTokens: 3043,
          cacheReadInputTokens: 2500,
          cacheWriteInputTokens: 500,
        },
      }),
    );
    expect((await provider.complete(request())).usage).toEqual({
      inputTokens: 540,
      outputTokens: 3,
      cachedInputTokens: 2500,
      cacheWriteTokens: 500,
    });
  });

  const exceptions: [string, Error, ProviderFailureKind][] = [
    [
      'ThrottlingException',
      new ThrottlingException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } }),
      'rate_limited',
    ],
    [
      'ServiceUnavailableException',
      new ServiceUnavailableException({ message: 'busy', $metadata: { httpStatusCode: 503 } }),
      'overloaded',
    ],
    [
      'ModelNotReadyException',
      new ModelNotReadyException({ message: 'warming up', $metadata: { httpStatusCode: 429 } }),
      'overloaded',
    ],
    [
      'InternalServerException',
      new InternalServerException({ message: 'oops', $metadata: { httpStatusCode: 500 } }),
      'server',
    ],
    [
      'ModelStreamErrorException',
      new ModelStreamErrorException({ message: 'stream broke', $metadata: { httpStatusCode: 424 } }),
      'server',
    ],
    [
      'ValidationException (context)',
      new ValidationException({
        message: 'Input is too long for requested model.',
        $metadata: { httpStatusCode: 400 },
      }),
      'context_length',
    ],
    [
      'ValidationException (other)',
      new ValidationException({
        message: 'Malformed input request: temperature',
        $metadata: { httpStatusCode: 400 },
      }),
      'bad_request',
    ],
    [
      'AccessDeniedException',
      new AccessDeniedException({ message: 'no access', $metadata: { httpStatusCode: 403 } }),
      'auth',
    ],
    [
      'ResourceNotFoundException',
      new ResourceNotFoundException({ message: 'no model', $metadata: { httpStatusCode: 404 } }),
      'not_found',
    ],
    [
      'ModelTimeoutException',
      new ModelTimeoutException({ message: 'model too slow', $metadata: { httpStatusCode: 408 } }),
      'timeout',
    ],
  ];
  it.each(exceptions)('maps %s to its failure kind', async (_name, exception, kind) => {
    bedrock.on(ConverseCommand).rejects(exception);
    const error = await failure(provider.complete(request()));
    expect(error.kind).toBe(kind);
    expect(error.provider).toBe('bedrock');
  });

  it('reads the Retry-After a ServiceUnavailableException answer carried', async () => {
    const busy = new ServiceUnavailableException({ message: 'busy', $metadata: { httpStatusCode: 503 } });
    bedrock
      .on(ConverseCommand)
      .rejects(
        Object.assign(busy, { $response: { statusCode: 503, headers: { 'retry-after': '9' }, body: '' } }),
      );
    expect(await failure(provider.complete(request()))).toMatchObject({
      kind: 'overloaded',
      httpStatus: 503,
      retryAfterMs: 9000,
    });
  });

  it('reports a connection failure as network', async () => {
    bedrock
      .on(ConverseCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }));
    expect((await failure(provider.complete(request()))).kind).toBe('network');
  });

  it('calls an answer without a message malformed', async () => {
    bedrock.on(ConverseCommand).resolves({ $metadata: metadata, stopReason: 'end_turn' });
    expect((await failure(provider.complete(request()))).kind).toBe('malformed');
  });

  it('gives up on a slow answer after timeoutMs with a timeout', async () => {
    bedrock
      .on(ConverseCommand)
      .callsFake(() => new Promise((resolve) => setTimeout(() => resolve(answer('late')), 2000).unref()));
    expect((await failure(provider.complete(request({ timeoutMs: 100 })))).kind).toBe('timeout');
    // Had the timeout not fired, the late answer would have come back as a success.
  });

  it('reports a call the caller aborted as cancelled', async () => {
    bedrock
      .on(ConverseCommand)
      .callsFake(() => new Promise((resolve) => setTimeout(() => resolve(answer('late')), 2000).unref()));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    expect((await failure(provider.complete(request({ signal: controller.signal })))).kind).toBe('cancelled');
  });
});

describe('BedrockProvider with ConverseStream', () => {
  it('streams text deltas in order, assembles tool input and reports the final usage', async () => {
    bedrock.on(ConverseStreamCommand).resolves({
      $metadata: metadata,
      stream: eventsOf([
        ...textStream(['Let', ' me', ' check.']),
        {
          contentBlockStart: {
            contentBlockIndex: 1,
            start: { toolUse: { toolUseId: 'tu-5', name: 'sandbox_test' } },
          },
        },
        { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"runtime":' } } } },
        { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '"python"}' } } } },
        { contentBlockStop: { contentBlockIndex: 1 } },
        { messageStop: { stopReason: 'tool_use' } },
        {
          metadata: {
            usage: { inputTokens: 90, outputTokens: 14, totalTokens: 1104, cacheReadInputTokens: 1000 },
            metrics: { latencyMs: 20 },
          },
        },
      ]),
    });
    const deltas: string[] = [];
    const response = await provider.complete(request({ onDelta: (d) => deltas.push(d) }));
    expect(deltas).toEqual(['Let', ' me', ' check.']);
    expect(response).toEqual({
      text: 'Let me check.',
      toolCalls: [{ id: 'tu-5', name: 'sandbox_test', arguments: { runtime: 'python' } }],
      stopReason: 'tool_use',
      usage: { inputTokens: 90, outputTokens: 14, cachedInputTokens: 1000 },
      provider: 'bedrock',
      model: MODEL,
      requestId: 'bedrock-req-1',
    });
    expect(bedrock.commandCalls(ConverseStreamCommand)[0]!.args[0].input.modelId).toBe(MODEL);
  });

  it('turns an exception event mid-stream into its kind with the tokens consumed', async () => {
    bedrock.on(ConverseStreamCommand).resolves({
      $metadata: metadata,
      stream: eventsOf([
        ...textStream(['partial', ' answer']),
        { throttlingException: new ThrottlingException({ message: 'slow down', $metadata: {} }) },
      ]),
    });
    const error = await failure(provider.complete(request({ onDelta: () => {} })));
    expect(error.kind).toBe('rate_limited');
    expect(error.usage!.inputTokens).toBeGreaterThan(0);
    expect(error.usage!.outputTokens).toBe(2);
  });

  it('fails a stream cut midway as network with the tokens consumed', async () => {
    bedrock.on(ConverseStreamCommand).resolves({
      $metadata: metadata,
      stream: eventsOf(textStream(['one', ' two', ' three']), { error: new Error('socket hang up') }),
    });
    const deltas: string[] = [];
    const error = await failure(provider.complete(request({ onDelta: (d) => deltas.push(d) })));
    expect(error.kind).toBe('network');
    expect(deltas).toEqual(['one', ' two', ' three']);
    expect(error.usage!.outputTokens).toBe(3);
  });

  it('fails a stream that ends without messageStop as network', async () => {
    bedrock
      .on(ConverseStreamCommand)
      .resolves({ $metadata: metadata, stream: eventsOf(textStream(['half'])) });
    const error = await failure(provider.complete(request({ onDelta: () => {} })));
    expect(error.kind).toBe('network');
    expect(error.usage).toBeDefined();
  });

  it('times out a stream that stalls mid-answer', async () => {
    bedrock.on(ConverseStreamCommand).resolves({
      $metadata: metadata,
      stream: eventsOf(textStream(['thinking']), { stallMs: 2000 }),
    });
    const error = await failure(provider.complete(request({ timeoutMs: 100, onDelta: () => {} })));
    expect(error.kind).toBe('timeout');
    expect(error.usage!.outputTokens).toBeGreaterThan(0);
  });

  it('returns streamed tool input cut off at max_tokens flagged invalid, with the stop reason and usage', async () => {
    bedrock.on(ConverseStreamCommand).resolves({
      $metadata: metadata,
      stream: eventsOf([
        { messageStart: { role: 'assistant' } },
        { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 'tu-1', name: 'x' } } } },
        { contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"broken": ' } } } },
        { messageStop: { stopReason: 'max_tokens' } },
        {
          metadata: {
            usage: { inputTokens: 5, outputTokens: 5, totalTokens: 10 },
            metrics: { latencyMs: 1 },
          },
        },
      ]),
    });
    const response = await provider.complete(request({ onDelta: () => {} }));
    expect(response.toolCalls).toEqual([
      {
        id: 'tu-1',
        name: 'x',
        arguments: {},
        invalid: {
          reason: 'the arguments are not valid JSON (cut off after 11 characters)',
          raw: '{"broken": ',
        },
      },
    ]);
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage).toEqual({ inputTokens: 5, outputTokens: 5, cachedInputTokens: 0 });
  });
});
