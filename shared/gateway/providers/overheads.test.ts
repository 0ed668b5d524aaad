import { describe, expect, it } from 'vitest';
import { Catalog } from '../catalog/catalog';
import { worstCaseMicroUsd } from '../catalog/cost';
import { hiddenPromptTokens, outputTokenCeiling, reservationMicroUsd } from './overheads';

const catalog = Catalog.shipped();
const tools = [{ name: 'write', description: 'Write a file', inputSchema: { type: 'object' } }];
const schema = { name: 'submit_plan', description: 'The plan', schema: { type: 'object' } };

describe('what a provider adds to a call on its side', () => {
  it("counts Anthropic's documented tool-use system prompt for Claude on Anthropic and on Bedrock, with tools or a forced schema tool", () => {
    for (const id of [
      'claude-sonnet-4-5',
      'claude-haiku-4-5',
      'claude-opus-4-1',
      'bedrock-claude-sonnet-4-5',
    ]) {
      const model = catalog.get(id)!;
      expect(hiddenPromptTokens(model, { tools })).toBe(346);
      expect(hiddenPromptTokens(model, { responseSchema: schema })).toBe(346);
      expect(hiddenPromptTokens(model, {})).toBe(0);
    }
    expect(
      hiddenPromptTokens({ provider: 'anthropic', providerModelId: 'claude-3-opus-20240229' }, { tools }),
    ).toBe(530);
    expect(
      hiddenPromptTokens({ provider: 'anthropic', providerModelId: 'claude-3-haiku-20240307' }, { tools }),
    ).toBe(340);
    // A Claude family the table does not list gets the largest documented figure.
    expect(hiddenPromptTokens({ provider: 'anthropic', providerModelId: 'claude-next-9' }, { tools })).toBe(
      530,
    );
    expect(hiddenPromptTokens(catalog.get('gpt-4.1')!, { tools })).toBe(0);
  });

  it('reserves half again the output limit on an OpenAI-compatible server, which may not hold to it', () => {
    expect(outputTokenCeiling({ provider: 'ollama', providerModelId: 'llama3' }, 1_000)).toBe(1_500);
    for (const provider of ['openai', 'anthropic', 'bedrock']) {
      expect(outputTokenCeiling({ provider, providerModelId: 'm' }, 1_000)).toBe(1_000);
    }
  });

  it('reserves the hidden prompt and the output ceiling at worst-case prices', () => {
    const sonnet = catalog.get('claude-sonnet-4-5')!;
    expect(reservationMicroUsd(sonnet, { tools }, 50, 100)).toBe(worstCaseMicroUsd(396, 100, sonnet.prices));
    expect(reservationMicroUsd(sonnet, {}, 50, 100)).toBe(worstCaseMicroUsd(50, 100, sonnet.prices));
  });
});
