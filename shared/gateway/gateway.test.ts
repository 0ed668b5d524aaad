import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmployeeProfile } from '../domain';
import { MemoryMeter } from '../money';
import { Catalog, toCatalogModel } from './catalog/catalog';
import { ModelsCoolingDown, ModelsExhausted, ProviderError, type ProviderFailureKind } from './errors';
import { ModelGateway } from './gateway';
import { Cooldowns } from './routing/cooldowns';
import type { EmployeeCall } from './team-models';
import type { ModelProvider, ModelRequest, ModelResponse } from './types';

const catalog = Catalog.shipped();

type Outcome = 'ok' | ProviderFailureKind;

/** A provider that answers each call from a script: 'ok', or a failure of that kind. */
function scripted(name: string, script: Outcome[]): ModelProvider & { calls: ModelRequest[] } {
  const calls: ModelRequest[] = [];
  return {
    name,
    calls,
    async complete(request: ModelRequest): Promise<ModelResponse> {
      calls.push(request);
      const next = script.shift() ?? 'ok';
      if (next === 'ok') {
        return {
          text: `answer from ${name}`,
          toolCalls: [],
          stopReason: 'end',
          usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 0 },
          provider: name,
          model: request.model,
        };
      }
      throw new ProviderError({
        provider: name,
        model: request.model,
        kind: next,
        message: `scripted ${next}`,
        ...(next === 'rate_limited' ? { retryAfterMs: 1_500, httpStatus: 429 } : {}),
        ...(next === 'timeout' ? { usage: { inputTokens: 100, outputTokens: 7, cachedInputTokens: 0 } } : {}),
      });
    },
  };
}

const profile = EmployeeProfile.parse({
  id: 'dev',
  name: 'Dev',
  rolePrompt: 'You write code.',
  allowedModels: ['claude-sonnet-4-6', 'gpt-4.1', 'nova-pro'],
  defaultModel: 'claude-sonnet-4-6',
  fallbacks: ['gpt-4.1', 'nova-pro'],
});

function call(extra: Partial<EmployeeCall> = {}): EmployeeCall {
  return {
    profile,
    preference: 'balanced',
    messages: [{ role: 'user', content: 'Write slugify.' }],
    maxOutputTokens: 1000,
    context: { tenantId: 'acme', taskId: 'tsk_1', employeeId: 'dev' },
    ...extra,
  };
}

function gateway(
  providers: ModelProvider[],
  extra: {
    unavailable?: Map<string, string>;
    now?: () => number;
    refusalFor?: (
      tenantId: string,
    ) => Promise<(model: { id: string; quality: number }) => string | undefined>;
  } = {},
) {
  const sleeps: number[] = [];
  const meter = new MemoryMeter();
  // Unless the test keeps the time itself, every wait the gateway sleeps moves the clock on.
  let clock = 0;
  const now = extra.now ?? (() => clock);
  const gw = new ModelGateway({
    providers: new Map(providers.map((p) => [p.name, p])),
    ...(extra.unavailable ? { unavailable: extra.unavailable } : {}),
    ...(extra.refusalFor ? { refusalFor: extra.refusalFor } : {}),
    catalog,
    meter,
    cooldowns: new Cooldowns(now),
    now,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    random: () => 0.5,
    policy: { timeoutMs: 45_000 },
  });
  return { gw, sleeps, meter };
}

describe('ModelGateway routing', () => {
  it('retries a 429 after its Retry-After, then answers, recording one usage with the attempts', async () => {
    const anthropic = scripted('anthropic', ['rate_limited', 'ok']);
    const { gw, sleeps, meter } = gateway([anthropic]);
    const res = await gw.complete(call());
    expect(res.text).toBe('answer from anthropic');
    expect(res.model).toBe('claude-sonnet-4-6');
    expect(res.attempts).toBe(2);
    expect(sleeps).toEqual([1_500]);
    expect(anthropic.calls.map((c) => c.model)).toEqual(['claude-sonnet-4-6', 'claude-sonnet-4-6']);
    expect(meter.records).toHaveLength(1);
    expect(meter.records[0]).toMatchObject({
      model: 'claude-sonnet-4-6',
      attempts: 2,
      outcome: 'ok',
      costMicroUsd: 600,
    });
  });

  it('falls back after a model keeps failing, cools it down, and skips it on the next call', async () => {
    let now = 0;
    const anthropic = scripted('anthropic', ['server', 'server', 'server']);
    const openai = scripted('openai', []);
    const { gw } = gateway([anthropic, openai], { now: () => now });
    const first = await gw.complete(call());
    expect(first.provider).toBe('openai');
    expect(anthropic.calls).toHaveLength(3);
    now += 10_000;
    await gw.complete(call());
    expect(anthropic.calls).toHaveLength(3); // cooling down: not called
    now += 30_000;
    await gw.complete(call());
    expect(anthropic.calls).toHaveLength(4); // cooldown over
  });

  it('waits for the first model to be free when every model is cooling down, then answers', async () => {
    const anthropic = scripted('anthropic', ['server', 'server', 'server']);
    const openai = scripted('openai', ['overloaded', 'overloaded', 'overloaded']);
    const { gw, sleeps } = gateway([anthropic, openai], {
      unavailable: new Map([['bedrock', 'no credentials: set AWS_REGION']]),
    });
    const res = await gw.complete(call());
    expect(res.model).toBe('claude-sonnet-4-6');
    // Two backoffs on each model, then the 30 s cooldown waited out instead of NoModelAvailable.
    expect(sleeps.at(-1)).toBe(30_000);
    expect(anthropic.calls).toHaveLength(4);
  });

  it('does not wait for a model cooling down after a bad key: that is no wait, the configuration must change', async () => {
    const { gw, sleeps } = gateway([scripted('anthropic', ['auth'])], {
      unavailable: new Map([
        ['openai', 'no credentials: set OPENAI_API_KEY'],
        ['bedrock', 'no credentials: set AWS_REGION'],
      ]),
    });
    const error = (await gw.complete(call()).catch((e) => e)) as ModelsExhausted;
    expect(error).toBeInstanceOf(ModelsExhausted);
    expect(error.code).toBe('NoModelAvailable');
    expect(sleeps).toEqual([]);
  });

  it('never retries a request the provider rejected as bad', async () => {
    const anthropic = scripted('anthropic', ['bad_request']);
    const openai = scripted('openai', []);
    const { gw } = gateway([anthropic, openai]);
    await expect(gw.complete(call())).rejects.toMatchObject({ kind: 'bad_request' });
    expect(anthropic.calls).toHaveLength(1);
    expect(openai.calls).toHaveLength(0);
  });

  it('skips a provider without credentials, naming the variable', async () => {
    const { gw } = gateway([scripted('bedrock', Array(9).fill('overloaded'))], {
      unavailable: new Map([
        ['anthropic', 'no credentials: set ANTHROPIC_API_KEY'],
        ['openai', 'no credentials: set OPENAI_API_KEY'],
      ]),
    });
    const error = (await gw.complete(call()).catch((e) => e)) as ModelsCoolingDown;
    // Bedrock failed each time the wait allowance let the gateway try it again.
    expect(error).toBeInstanceOf(ModelsCoolingDown);
    expect(error.message).toContain('claude-sonnet-4-6 (no credentials: set ANTHROPIC_API_KEY)');
    expect(error.message).toContain('gpt-4.1 (no credentials: set OPENAI_API_KEY)');
    expect(error.message).toContain('nova-pro (overloaded');
  });

  it('meters a timed-out call that consumed tokens', async () => {
    const { gw, meter } = gateway([scripted('anthropic', ['timeout', 'ok'])]);
    await gw.complete(call());
    expect(meter.records.map((r) => [r.outcome, r.outputTokens])).toEqual([
      ['error', 7],
      ['ok', 20],
    ]);
  });

  it('under any failure sequence returns an answer or a typed error naming every model and why', async () => {
    const outcome = fc.constantFrom<Outcome>(
      'ok',
      'rate_limited',
      'overloaded',
      'server',
      'timeout',
      'network',
      'malformed',
      'context_length',
      'auth',
      'not_found',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(outcome, { maxLength: 10 }),
        fc.array(outcome, { maxLength: 10 }),
        fc.array(outcome, { maxLength: 10 }),
        async (a, o, b) => {
          const providers = [
            scripted('anthropic', [...a]),
            scripted('openai', [...o]),
            scripted('bedrock', [...b]),
          ];
          const { gw } = gateway(providers);
          try {
            const res = await gw.complete(call());
            expect(profile.allowedModels).toContain(res.model);
          } catch (e) {
            expect([ModelsExhausted, ModelsCoolingDown].some((type) => e instanceof type)).toBe(true);
            const tried = (e as ModelsExhausted | ModelsCoolingDown).tried;
            expect(tried.map((t) => t.model)).toEqual(['claude-sonnet-4-6', 'gpt-4.1', 'nova-pro']);
            for (const t of tried) expect(t.reason.length).toBeGreaterThan(0);
          }
          for (const p of providers) {
            // every request went to an allowed model's deployment
            for (const c of p.calls) {
              expect(catalog.list().find((m) => m.providerModelId === c.model)?.id).toBeOneOf(
                profile.allowedModels,
              );
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('passes an aborted call through as cancelled without retrying', async () => {
    const controller = new AbortController();
    const anthropic = scripted('anthropic', ['cancelled']);
    const { gw } = gateway([anthropic, scripted('openai', [])]);
    controller.abort();
    await expect(gw.complete(call({ signal: controller.signal }))).rejects.toMatchObject({
      kind: 'cancelled',
    });
    expect(anthropic.calls).toHaveLength(1);
  });
});

describe('ModelGateway and what a call needs of a model', () => {
  it('does not cool a model down after answers it could not use: the next call tries it again', async () => {
    let now = 0;
    const anthropic = scripted('anthropic', ['malformed', 'malformed', 'malformed']);
    const { gw } = gateway([anthropic, scripted('openai', [])], { now: () => now });
    expect((await gw.complete(call())).provider).toBe('openai');
    expect(anthropic.calls).toHaveLength(3);
    now += 1_000;
    expect((await gw.complete(call())).provider).toBe('anthropic');
  });

  it('tells the caller the context window of the model that answered', async () => {
    const { gw } = gateway([scripted('openai', [])], {
      unavailable: new Map([['anthropic', 'no credentials: set ANTHROPIC_API_KEY']]),
    });
    const res = await gw.complete(call());
    expect(res.model).toBe('gpt-4.1');
    expect(res.contextWindow).toBe(catalog.get('gpt-4.1')!.contextWindow);
  });

  it('skips a model that cannot answer to a schema or be made to call a tool, saying why', async () => {
    const plain = toCatalogModel(
      'plain-local',
      {
        provider: 'openai',
        providerModelId: 'plain-local',
        contextWindow: 32_000,
        maxOutputTokens: 4_000,
        prices: { input: '0', output: '0', cachedInput: '0' },
        capabilities: { tools: true, json: true, vision: false, structuredOutput: false, toolChoice: false },
      },
      'config',
    );
    const local = EmployeeProfile.parse({
      ...profile,
      allowedModels: ['plain-local', 'claude-sonnet-4-6'],
      defaultModel: 'plain-local',
      fallbacks: ['claude-sonnet-4-6'],
    });
    const openai = scripted('openai', []);
    const anthropic = scripted('anthropic', []);
    const gw = new ModelGateway({
      providers: new Map<string, ModelProvider>([
        ['openai', openai],
        ['anthropic', anthropic],
      ]),
      catalog: catalog.with([plain]),
      meter: new MemoryMeter(),
    });
    const schema = { name: 'submit_plan', description: 'The plan.', schema: { type: 'object' } };
    expect((await gw.complete(call({ profile: local, responseSchema: schema }))).provider).toBe('anthropic');
    const verdictTool = { name: 'submit_verdict', description: 'v', inputSchema: { type: 'object' } };
    const forced = call({ profile: local, tools: [verdictTool], toolChoice: { name: 'submit_verdict' } });
    expect((await gw.complete(forced)).provider).toBe('anthropic');
    expect(openai.calls).toHaveLength(0);
    expect(
      (await gw.complete(call({ profile: local, tools: [verdictTool], toolChoice: 'auto' }))).provider,
    ).toBe('openai');

    const alone = EmployeeProfile.parse({ ...local, allowedModels: ['plain-local'], fallbacks: [] });
    const error = (await gw
      .complete(call({ profile: alone, responseSchema: schema }))
      .catch((e) => e)) as ModelsExhausted;
    expect(error).toBeInstanceOf(ModelsExhausted);
    expect(error.message).toContain('plain-local (does not support structured output');
  });

  it('sends cache marks only to a model that takes prompt-cache breakpoints', async () => {
    const anthropic = scripted('anthropic', ['server', 'server', 'server']);
    const openai = scripted('openai', []);
    const { gw } = gateway([anthropic, openai]);
    await gw.complete(
      call({
        messages: [
          { role: 'user', content: 'A long brief.', cache: true },
          { role: 'assistant', content: 'Read it.' },
          { role: 'user', content: 'Go.' },
        ],
      }),
    );
    expect(anthropic.calls[0]!.messages[0]).toEqual({ role: 'user', content: 'A long brief.', cache: true });
    expect(openai.calls[0]!.messages[0]).toEqual({ role: 'user', content: 'A long brief.' });
  });
});

describe('ModelGateway.worstCaseCallMicroUsd', () => {
  it("prices a call at its employee's first live model: the whole prompt, the step's output limit", async () => {
    const dev = EmployeeProfile.parse({ ...profile, maxTokensPerStep: 1000 });
    const gw = new ModelGateway({
      providers: new Map([['openai', scripted('openai', [])]]),
      catalog,
      meter: new MemoryMeter(),
    });
    // Anthropic is not live, so it prices at gpt-4.1 ($2 in, $8 out per million):
    expect(
      await gw.worstCaseCallMicroUsd({ profile: dev, preference: 'balanced', promptTokens: 2_116 }),
    ).toBe(Math.ceil((2_116 * 2_000_000 + 1000 * 8_000_000) / 1_000_000));
    const nobodyLive = new ModelGateway({ providers: new Map(), catalog, meter: new MemoryMeter() });
    expect(
      await nobodyLive.worstCaseCallMicroUsd({ profile: dev, preference: 'balanced', promptTokens: 10 }),
    ).toBeUndefined();
  });
});

describe('retired and out-of-region models', () => {
  it('never calls a retired model: it is skipped with the reason, and the fallback answers', async () => {
    const sonnet = catalog.get('claude-sonnet-4-6')!;
    const withRetired = catalog.with([
      { ...sonnet, id: 'old-sonnet', providerModelId: 'claude-old', lifecycle: { retiresOn: '2020-01-01' } },
    ]);
    const anthropic = scripted('anthropic', []);
    const openai = scripted('openai', []);
    const gw = new ModelGateway({
      providers: new Map([
        ['anthropic', anthropic],
        ['openai', openai],
      ]),
      catalog: withRetired,
      meter: new MemoryMeter(),
    });
    const onlyRetired = EmployeeProfile.parse({
      ...profile,
      allowedModels: ['old-sonnet'],
      defaultModel: 'old-sonnet',
      fallbacks: [],
    });
    const error = (await gw.complete(call({ profile: onlyRetired })).catch((e) => e)) as ModelsExhausted;
    expect(error).toBeInstanceOf(ModelsExhausted);
    expect(error.message).toContain('old-sonnet (retired on 2020-01-01: its provider refuses calls to it)');
    const shippedRetired = EmployeeProfile.parse({
      ...profile,
      allowedModels: ['claude-sonnet-4-5', 'gpt-4.1'],
      defaultModel: 'claude-sonnet-4-5',
      fallbacks: ['gpt-4.1'],
    });
    const res = await gw.complete(call({ profile: shippedRetired }));
    expect(res.model).toBe('gpt-4.1');
    expect(anthropic.calls).toHaveLength(0);
  });

  it('skips a Bedrock model with no inference profile in the stack’s region', async () => {
    const bedrock = scripted('bedrock', []);
    const gw = new ModelGateway({
      providers: new Map([['bedrock', bedrock]]),
      catalog: catalog.inRegion('ap-south-1'),
      meter: new MemoryMeter(),
    });
    const onBedrock = EmployeeProfile.parse({
      ...profile,
      allowedModels: ['bedrock-claude-sonnet-4-6', 'bedrock-claude-sonnet-4-6-global'],
      defaultModel: 'bedrock-claude-sonnet-4-6',
      fallbacks: ['bedrock-claude-sonnet-4-6-global'],
    });
    const res = await gw.complete(call({ profile: onBedrock }));
    expect(res.model).toBe('bedrock-claude-sonnet-4-6-global');
    expect(bedrock.calls.map((c) => c.model)).toEqual(['global.anthropic.claude-sonnet-4-6']);
  });
});

describe("the tenant's plan in routing", () => {
  /** As the runtime wires it: a Free plan refuses premium models (quality 5); sonnet-4-6 is standard (4). */
  const onlyUpTo = (quality: number) => async () => (m: { id: string; quality: number }) =>
    m.quality > quality ? `the Free plan does not allow models of quality ${m.quality}` : undefined;

  it('skips a model the plan does not allow and answers from the next one', async () => {
    const anthropic = scripted('anthropic', []);
    const openai = scripted('openai', []);
    const { gw } = gateway([anthropic, openai], { refusalFor: onlyUpTo(3) });
    const res = await gw.complete(call());
    expect(res.model).toBe('gpt-4.1');
    expect(anthropic.calls).toHaveLength(0);
  });

  it('fails naming the plan for each model when it allows none of the employee’s, calling no provider', async () => {
    const anthropic = scripted('anthropic', []);
    const openai = scripted('openai', []);
    const { gw } = gateway([anthropic, openai], { refusalFor: onlyUpTo(1) });
    const error = (await gw.complete(call()).catch((e) => e)) as ModelsExhausted;
    expect(error).toBeInstanceOf(ModelsExhausted);
    expect(error.message).toMatch(/Free plan does not allow/);
    expect(anthropic.calls.length + openai.calls.length).toBe(0);
  });
});
