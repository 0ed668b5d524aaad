import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { teamGateway } from '../deps/team-gateway';
import { EmployeeProfile } from '../domain';
import type { Store } from '../store';
import { StoreMeter } from '../store';
import { freshStore } from '../testing/dynamo';
import { anthropicReplies, startFakeAnthropic } from '../testing/fake-anthropic-server';
import { openAIReplies, startFakeOpenAI } from '../testing/fake-openai-server';
import { Catalog } from './catalog/catalog';
import { ModelDirectory } from './catalog/model-directory';
import { putTenantModel, TenantCatalogs } from './catalog/tenant-models';
import { ModelsCoolingDown } from './errors';
import { ModelGateway } from './gateway';
import { AnthropicProvider } from './providers/anthropic';
import { OpenAIProvider } from './providers/openai';
import type { ModelProvider } from './types';

type Servers = {
  openai: Awaited<ReturnType<typeof startFakeOpenAI>>;
  anthropic: Awaited<ReturnType<typeof startFakeAnthropic>>;
};
let servers: Servers;
let store: Store;

beforeAll(async () => {
  servers = { openai: await startFakeOpenAI(), anthropic: await startFakeAnthropic() };
  store = await freshStore();
  await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', heliconeCache: true });
});
afterAll(async () => {
  await servers.openai.close();
  await servers.anthropic.close();
});

const profile = EmployeeProfile.parse({
  id: 'dev',
  name: 'Dev',
  rolePrompt: 'You write code.',
  allowedModels: ['claude-sonnet-4-6', 'gpt-4.1'],
  defaultModel: 'claude-sonnet-4-6',
  fallbacks: ['gpt-4.1'],
});

function gatewayOverFakes(sleeps: number[], helicone = false) {
  const heliconeFor = (url: string) =>
    helicone ? { helicone: { apiKey: 'sk-helicone-test', baseURL: url } } : {};
  return new ModelGateway({
    providers: new Map<string, ModelProvider>([
      [
        'anthropic',
        new AnthropicProvider({
          apiKey: 'sk-ant-test',
          baseURL: servers.anthropic.url,
          ...heliconeFor(servers.anthropic.url),
        }),
      ],
      [
        'openai',
        new OpenAIProvider({
          apiKey: 'sk-openai-test',
          baseURL: servers.openai.url,
          ...heliconeFor(servers.openai.url),
        }),
      ],
    ]),
    catalog: Catalog.shipped(),
    meter: new StoreMeter(store),
    catalogFor: (tenantId) => new TenantCatalogs(store, Catalog.shipped()).for(tenantId),
    policy: { timeoutMs: 2_000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

async function newTask() {
  return store.createTask('acme', { prompt: 'p', preference: 'balanced' });
}

const call = (taskId: string, extra = {}) => ({
  profile,
  preference: 'balanced' as const,
  system: 'You are Dev.',
  messages: [{ role: 'user' as const, content: 'Write slugify.' }],
  maxOutputTokens: 500,
  context: { tenantId: 'acme', taskId, employeeId: 'dev' },
  ...extra,
});

describe('the gateway over the real SDKs, wire-protocol fakes and DynamoDB Local', () => {
  it('waits out a 429’s Retry-After, answers, and records the usage with its cost', async () => {
    const task = await newTask();
    servers.anthropic.enqueue(
      anthropicReplies.rateLimited('2'),
      anthropicReplies.text('def slugify(s): ...', { usage: { inputTokens: 120, outputTokens: 30 } }),
    );
    const sleeps: number[] = [];
    const res = await gatewayOverFakes(sleeps).complete(call(task.id));
    expect(res.text).toContain('slugify');
    expect(res.model).toBe('claude-sonnet-4-6');
    expect(res.attempts).toBe(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2_000);
    const [usage] = await store.listUsage('acme', task.id);
    // 120 × $3 + 30 × $15 per million = 360 + 450 micro-USD
    expect(usage).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-6',
      costMicroUsd: 810,
      attempts: 2,
    });
    const events = await store.listEvents('acme', task.id);
    expect(events.items.some((e) => e.type === 'usage')).toBe(true);
  });

  it('falls back from an Anthropic that keeps failing to OpenAI, then names both when both fail', async () => {
    const task = await newTask();
    servers.anthropic.enqueue(
      anthropicReplies.malformed(),
      anthropicReplies.overloaded(),
      anthropicReplies.serverError(500),
    );
    servers.openai.enqueue(openAIReplies.text('fallback answer'));
    const sleeps: number[] = [];
    const gw = gatewayOverFakes(sleeps);
    const res = await gw.complete(call(task.id));
    expect(res.provider).toBe('openai');
    expect(res.text).toBe('fallback answer');
    expect(sleeps).toHaveLength(2);

    // Anthropic now cools down; make OpenAI fail every attempt too.
    servers.openai.enqueue(
      openAIReplies.serverError(503),
      openAIReplies.malformed(),
      openAIReplies.slow(5_000),
    );
    // A step with no time left to wait for a cooling model: the workflow retries it later.
    const error = (await gw
      .complete({ ...call(task.id), deadline: Date.now() })
      .catch((e) => e)) as ModelsCoolingDown;
    expect(error).toBeInstanceOf(ModelsCoolingDown);
    expect(error.message).toMatch(/claude-sonnet-4-6 \(cooling down/);
    expect(error.message).toMatch(/gpt-4\.1 \(timeout/);
  });

  it('sends Helicone’s auth and per-call properties on the wire, and the cache header for an opted-in tenant', async () => {
    const task = await newTask();
    const before = servers.anthropic.requests.length;
    await gatewayOverFakes([], true).complete(
      call(task.id, { context: { tenantId: 'acme', taskId: task.id, stepId: 's1', employeeId: 'dev' } }),
    );
    const sent = servers.anthropic.requests[before]!;
    expect(sent.headers['helicone-auth']).toBe('Bearer sk-helicone-test');
    expect(sent.headers['helicone-property-tenant']).toBe('acme');
    expect(sent.headers['helicone-property-task']).toBe(task.id);
    expect(sent.headers['helicone-property-employee']).toBe('dev');
    expect(sent.headers['helicone-cache-enabled']).toBe('true');
  });

  it('routes to a tenant’s own model, priced as the tenant says', async () => {
    const task = await newTask();
    await putTenantModel(store, 'acme', 'gpt-4.1', {
      provider: 'openai',
      providerModelId: 'gpt-4.1-2025-04-14',
      contextWindow: 1_000_000,
      maxOutputTokens: 32_768,
      prices: { input: '1.00', output: '4.00', cachedInput: '0.25' },
      negotiated: { reference: 'OpenAI enterprise agreement 2026-07' },
    });
    servers.openai.enqueue(
      openAIReplies.text('negotiated', { usage: { promptTokens: 1000, completionTokens: 100 } }),
    );
    const before = servers.openai.requests.length;
    const res = await gatewayOverFakes([]).complete(call(task.id, { model: 'gpt-4.1' }));
    expect(res.text).toBe('negotiated');
    expect(servers.openai.requests[before]!.body.model).toBe('gpt-4.1-2025-04-14');
    const [usage] = await store.listUsage('acme', task.id);
    expect(usage!.costMicroUsd).toBe(1_000 + 400);
    await expect(putTenantModel(store, 'acme', 'x', { provider: 'openai' })).rejects.toMatchObject({
      code: 'InvalidInput',
      issues: expect.arrayContaining([expect.objectContaining({ path: 'providerModelId' })]),
    });
  });
});

describe('what the model wrote is answered, not retried', () => {
  const writeTool = {
    name: 'workspace_write',
    description: 'Write a file',
    inputSchema: { type: 'object', properties: { path: { type: 'string' }, content: { type: 'string' } } },
  };

  it('a tool call with cut-off arguments reaches the caller once: one request, no cooldown, usage recorded', async () => {
    const task = await newTask();
    const raw = `{"path": "data.json", "content": "${'x'.repeat(800)}`;
    servers.openai.enqueue(
      openAIReplies.cutToolCall('workspace_write', raw, { promptTokens: 1_200, completionTokens: 500 }),
    );
    const before = servers.openai.requests.length;
    const sleeps: number[] = [];
    const gw = gatewayOverFakes(sleeps);
    const res = await gw.complete(call(task.id, { model: 'gpt-4.1', tools: [writeTool] }));
    expect(servers.openai.requests.length - before).toBe(1);
    expect(sleeps).toEqual([]);
    const gpt41 = (await new TenantCatalogs(store, Catalog.shipped()).for('acme')).get('gpt-4.1')!;
    expect(res).toMatchObject({ stopReason: 'max_tokens', attempts: 1, contextWindow: gpt41.contextWindow });
    expect(res.toolCalls).toEqual([
      {
        id: 'call_cut',
        name: 'workspace_write',
        arguments: {},
        invalid: { reason: `the arguments are not valid JSON (cut off after ${raw.length} characters)`, raw },
      },
    ]);
    const usage = await store.listUsage('acme', task.id);
    expect(usage.map((u) => [u.outcome, u.inputTokens, u.outputTokens])).toEqual([['ok', 1_200, 500]]);
    // Not cooling down: the same pinned model answers the next call at once.
    servers.openai.enqueue(openAIReplies.text('next'));
    expect((await gw.complete(call(task.id, { model: 'gpt-4.1' }))).text).toBe('next');
  });

  it('meters every attempt the provider billed: recorded tokens equal the billed tokens across retries', async () => {
    const task = await newTask();
    servers.openai.enqueue(
      openAIReplies.noChoices({ promptTokens: 1_003, completionTokens: 208 }),
      openAIReplies.noChoices({ promptTokens: 1_003, completionTokens: 309 }),
      openAIReplies.text('at last', { usage: { promptTokens: 1_003, completionTokens: 407 } }),
    );
    const res = await gatewayOverFakes([]).complete(call(task.id, { model: 'gpt-4.1' }));
    expect(res).toMatchObject({ text: 'at last', attempts: 3 });
    const usage = await store.listUsage('acme', task.id);
    const recorded = usage.reduce((sum, u) => sum + u.inputTokens + u.outputTokens, 0);
    expect(recorded).toBe(3 * 1_003 + 208 + 309 + 407);
    expect(usage.map((u) => u.outcome).sort()).toEqual(['error', 'error', 'ok']);
  });

  it('meters a stream cut off mid-answer at its prompt and the output streamed so far, then retries it', async () => {
    const task = await newTask();
    servers.openai.enqueue(
      openAIReplies.streamCut('alpha beta gamma delta epsilon', 3),
      openAIReplies.text('whole', { usage: { promptTokens: 40, completionTokens: 1 } }),
    );
    const deltas: string[] = [];
    const res = await gatewayOverFakes([]).complete(
      call(task.id, { model: 'gpt-4.1', onDelta: (d: string) => deltas.push(d) }),
    );
    expect(res).toMatchObject({ text: 'whole', attempts: 2 });
    const usage = await store.listUsage('acme', task.id);
    const cut = usage.find((u) => u.outcome === 'error')!;
    expect(cut.inputTokens).toBeGreaterThan(0);
    expect(cut.outputTokens).toBe(2); // 'alpha', ' beta'
  });

  it('returns a JSON answer that is not JSON to the caller instead of retrying it', async () => {
    const task = await newTask();
    servers.anthropic.enqueue(anthropicReplies.cutToolUse('submit_plan', '{"summary": "Slugify'));
    const before = servers.anthropic.requests.length;
    const res = await gatewayOverFakes([]).complete(
      call(task.id, {
        model: 'claude-sonnet-4-6',
        responseSchema: { name: 'submit_plan', description: 'The plan.', schema: { type: 'object' } },
      }),
    );
    expect(servers.anthropic.requests.length - before).toBe(1);
    expect(res).toMatchObject({
      text: '{"summary": "Slugify',
      stopReason: 'max_tokens',
      contextWindow: 200_000,
    });
    expect(servers.anthropic.requests[before]!.body.tool_choice).toEqual({
      type: 'tool',
      name: 'submit_plan',
    });
  });
});

describe('the product gateway built from configuration', () => {
  it('calls Bedrock models through the inference profile of BEDROCK_REGION’s geography', async () => {
    const env = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };
    const inRegion = async (region: string) =>
      new ModelDirectory(store, loadConfig({ BEDROCK_REGION: region }), env).catalogFor('acme');
    expect((await inRegion('eu-central-1')).get('bedrock-claude-sonnet-4-6')?.providerModelId).toBe(
      'eu.anthropic.claude-sonnet-4-6',
    );
    expect((await inRegion('ap-northeast-1')).get('bedrock-claude-haiku-4-5')?.providerModelId).toBe(
      'jp.anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    const mumbai = await inRegion('ap-south-1');
    expect(mumbai.get('nova-pro')?.unavailable).toMatch(/no Bedrock inference profile for ap-south-1/);
  });

  it('gives each attempt TECHTEAM_MODEL_TIMEOUT_MS and names the configured server’s model when it times out', async () => {
    const config = loadConfig({
      OPENAI_COMPATIBLE_BASE_URL: `${servers.openai.url}`,
      OPENAI_COMPATIBLE_NAME: 'ollama',
      OPENAI_COMPATIBLE_MODELS: 'llama3.1:8b',
      TECHTEAM_MODEL_TIMEOUT_MS: '1000',
    });
    const gateway = teamGateway(store, new ModelDirectory(store, config, {}));
    const task = await newTask();
    servers.openai.enqueue(openAIReplies.slow(8_000), openAIReplies.slow(8_000), openAIReplies.slow(8_000));
    const local = EmployeeProfile.parse({
      ...profile,
      allowedModels: ['llama3.1:8b'],
      defaultModel: 'llama3.1:8b',
      fallbacks: [],
    });
    const error = (await gateway
      .complete({ ...call(task.id), profile: local, deadline: Date.now() })
      .catch((e) => e)) as ModelsCoolingDown;
    expect(error).toBeInstanceOf(ModelsCoolingDown);
    expect(error.message).toMatch(/llama3\.1:8b \(timeout after 3 attempt/);
    servers.openai.clear();
  });
});
