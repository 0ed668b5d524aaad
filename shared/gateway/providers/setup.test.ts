import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { resolveProviderSecrets, UNSET_PROVIDER_KEY } from '../catalog/model-directory';
import type { ModelRequest, ModelResponse } from '../types';
import { ProviderOnFirstCall, providerSetup } from './setup';

const setupFor = (env: Record<string, string>) => providerSetup(loadConfig(env), env);
const status = (env: Record<string, string>, name: string) =>
  setupFor(env).statuses.find((s) => s.name === name);

describe('which providers are live', () => {
  it('runs the demo alone when no key is set, and says what would make each provider live', () => {
    const setup = setupFor({});
    expect(setup.demo).toBe(true);
    expect([...setup.providers.keys()]).toEqual(['demo']);
    expect(setup.unavailable.get('openai')).toBe('no credentials: set OPENAI_API_KEY');
    expect(setup.unavailable.get('anthropic')).toBe('no credentials: set ANTHROPIC_API_KEY');
    expect(setup.unavailable.get('bedrock')).toMatch(/set BEDROCK_REGION/);
    expect(status({}, 'demo')?.detail).toMatch(/scripted and deterministic/);
  });

  it('follows the keys present, and turns the demo off once a real provider is live', () => {
    const setup = setupFor({ OPENAI_API_KEY: 'sk-test-12345678', HELICONE_API_KEY: 'sk-helicone-1234' });
    expect(setup.demo).toBe(false);
    expect(setup.providers.has('openai')).toBe(true);
    expect(setup.providers.has('demo')).toBe(false);
    expect(
      status({ OPENAI_API_KEY: 'sk-test-12345678', HELICONE_API_KEY: 'sk-helicone-1234' }, 'openai')?.detail,
    ).toBe('OPENAI_API_KEY is set, through Helicone');
  });

  it('needs both a region and AWS credentials for Bedrock', () => {
    expect(status({ BEDROCK_REGION: 'eu-west-1' }, 'bedrock')?.detail).toMatch(
      /no AWS credentials.*AWS_PROFILE/,
    );
    const live = status({ BEDROCK_REGION: 'eu-west-1', AWS_PROFILE: 'dev' }, 'bedrock');
    expect(live).toMatchObject({ live: true, detail: 'eu-west-1, credentials from AWS_PROFILE=dev' });
  });

  it('allows Bedrock only in deploy-your-own mode, whatever keys are set', () => {
    const env = {
      TECHTEAM_MODE: 'byo',
      OPENAI_API_KEY: 'sk-test-12345678',
      ANTHROPIC_API_KEY: 'sk-ant-12345678',
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:11434/v1',
      BEDROCK_REGION: 'us-east-1',
      AWS_LAMBDA_FUNCTION_NAME: 'fn',
    };
    const setup = setupFor(env);
    expect([...setup.providers.keys()]).toEqual(['bedrock']);
    expect(setup.unavailable.get('openai')).toMatch(/deploy-your-own mode/);
  });

  it('adds an OpenAI-compatible server’s models to the catalog at no cost', () => {
    const setup = setupFor({
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_COMPATIBLE_NAME: 'ollama',
      OPENAI_COMPATIBLE_MODELS: 'llama3.1:8b,qwen2.5-coder:7b',
    });
    expect(setup.providers.has('ollama')).toBe(true);
    expect(setup.configModels.map((m) => [m.id, m.provider, m.prices.inputPerMTok])).toEqual([
      ['llama3.1:8b', 'ollama', 0],
      ['qwen2.5-coder:7b', 'ollama', 0],
    ]);
  });

  it('names a malformed key variable without printing its value', () => {
    expect(() => loadConfig({ ANTHROPIC_API_KEY: 'sk ant secret' })).toThrow(
      /ANTHROPIC_API_KEY is invalid \(value hidden\)/,
    );
    expect(() => loadConfig({ BEDROCK_REGION: 'mars' })).toThrow(/BEDROCK_REGION .*must be an AWS region/);
  });
});

describe('provider keys from Secrets Manager', () => {
  const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}`;

  it('reads each key’s secret into the configuration, skipping empty and placeholder ones', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand, { SecretId: arn('openai') }).resolves({
      SecretString: 'sk-from-secrets-1234\n',
    });
    sm.on(GetSecretValueCommand, { SecretId: arn('anthropic') }).resolves({ SecretString: '' });
    sm.on(GetSecretValueCommand, { SecretId: arn('helicone') }).resolves({
      SecretString: UNSET_PROVIDER_KEY,
    });
    const config = loadConfig({
      TECHTEAM_PROVIDER_SECRETS: JSON.stringify({
        OPENAI_API_KEY: arn('openai'),
        ANTHROPIC_API_KEY: arn('anthropic'),
      }),
    });
    const resolved = await resolveProviderSecrets(config, new SecretsManagerClient({ region: 'us-east-1' }));
    expect(resolved.OPENAI_API_KEY).toBe('sk-from-secrets-1234');
    expect(resolved.ANTHROPIC_API_KEY).toBeUndefined();
    expect(resolved.HELICONE_API_KEY).toBeUndefined(); // the stack's placeholder until the operator sets it
    expect(providerSetup(resolved, {}).providers.has('openai')).toBe(true);
    sm.restore();
  });

  it('names TECHTEAM_PROVIDER_SECRETS when a secret cannot be read or the mapping is malformed', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }),
    );
    const config = loadConfig({
      TECHTEAM_PROVIDER_SECRETS: JSON.stringify({ OPENAI_API_KEY: arn('openai') }),
    });
    await expect(
      resolveProviderSecrets(config, new SecretsManagerClient({ region: 'us-east-1' })),
    ).rejects.toThrow(
      /TECHTEAM_PROVIDER_SECRETS names .*openai for OPENAI_API_KEY, which could not be read: not authorized/,
    );
    sm.restore();
    expect(() => loadConfig({ TECHTEAM_PROVIDER_SECRETS: '{"OPENAI_API_KEY": 5}' })).toThrow(
      /TECHTEAM_PROVIDER_SECRETS .*JSON object of VARIABLE_NAME → secret ARN/,
    );
  });
});

describe('provider SDKs loaded on first call', () => {
  it('builds no SDK client until a provider is called, and then builds it once', async () => {
    const setup = setupFor({
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_COMPATIBLE_NAME: 'ollama',
    });
    expect(setup.providers.get('ollama')).toBeInstanceOf(ProviderOnFirstCall);
    let loads = 0;
    const answer = { text: 'hi' } as unknown as ModelResponse;
    const provider = new ProviderOnFirstCall('fake', async () => {
      loads++;
      return { name: 'fake', complete: async () => answer };
    });
    expect(loads).toBe(0);
    const request = { model: 'm', messages: [] } as unknown as ModelRequest;
    expect(await Promise.all([provider.complete(request), provider.complete(request)])).toEqual([
      answer,
      answer,
    ]);
    expect(loads).toBe(1);
  });

  it('tries the import again on the next call after one fails, and passes the failure on', async () => {
    let loads = 0;
    const provider = new ProviderOnFirstCall('fake', async () => {
      loads++;
      if (loads === 1) throw new Error('chunk missing');
      return { name: 'fake', complete: async () => ({ text: 'ok' }) as unknown as ModelResponse };
    });
    const request = { model: 'm', messages: [] } as unknown as ModelRequest;
    await expect(provider.complete(request)).rejects.toThrow('chunk missing');
    await expect(provider.complete(request)).resolves.toEqual({ text: 'ok' });
    expect(loads).toBe(2);
  });

  it('the real adapters load behind it: an OpenAI-compatible call reaches its server', async () => {
    const setup = setupFor({
      OPENAI_COMPATIBLE_BASE_URL: 'http://127.0.0.1:9/v1',
      OPENAI_COMPATIBLE_NAME: 'ollama',
    });
    // Port 9 (discard) refuses: the adapter itself answers, with its own failure kind.
    await expect(
      setup.providers.get('ollama')!.complete({
        model: 'llama3.1:8b',
        messages: [{ role: 'user', content: 'hi' }],
        maxOutputTokens: 5,
        context: { tenantId: 't', taskId: 'x', employeeId: 'dev' },
      } as ModelRequest),
    ).rejects.toMatchObject({ name: 'ProviderError' });
  });
});
