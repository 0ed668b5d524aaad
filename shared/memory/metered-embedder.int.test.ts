import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { StoreMeter } from '../gateway';
import { freshStore } from '../testing/dynamo';
import { BedrockTitanEmbedder } from './bedrock-embedder';
import { MeteredEmbedder } from './metered-embedder';

/** Bedrock answering Titan v2's shape: a vector of the asked size and the input's token count. */
function titanBedrock() {
  const bedrock = mockClient(BedrockRuntimeClient);
  const asked: { inputText: string; dimensions: number }[] = [];
  bedrock.on(InvokeModelCommand).callsFake((input: { body: string; modelId: string }) => {
    const body = JSON.parse(input.body) as { inputText: string; dimensions: number };
    asked.push(body);
    const embedding = Array.from({ length: body.dimensions }, (_, i) => (i === 0 ? 1 : 0));
    const answer = { embedding, inputTextTokenCount: body.inputText.split(' ').length * 1000 };
    return { body: new TextEncoder().encode(JSON.stringify(answer)) as never };
  });
  return { client: new BedrockRuntimeClient({ region: 'us-east-1' }), asked, bedrock };
}

describe('embedding calls through the gateway meter', () => {
  it('records each Titan call as a usage record priced per token, charged to the task and tenant', async () => {
    const store = await freshStore();
    const task = await store.createTask('acme', {
      prompt: 'Write a slugify function',
      preference: 'balanced',
    });
    const { client, asked, bedrock } = titanBedrock();
    const embedder = new MeteredEmbedder(
      new BedrockTitanEmbedder(client, { dimension: 256 }),
      new StoreMeter(store),
    );
    const vectors = await embedder.embed(['three word text', 'two words'], {
      tenantId: 'acme',
      taskId: task.id,
      employeeId: 'researcher',
    });
    expect(vectors.map((v) => v.length)).toEqual([256, 256]);
    expect(asked.map((a) => a.dimensions)).toEqual([256, 256]);
    const [usage] = await store.listUsage('acme', task.id);
    // 5,000 tokens at $0.02 per million: 100 micro-USD.
    expect(usage).toMatchObject({
      provider: 'bedrock',
      model: 'amazon.titan-embed-text-v2:0',
      employeeId: 'researcher',
      inputTokens: 5000,
      outputTokens: 0,
      costMicroUsd: 100,
      outcome: 'ok',
    });
    bedrock.restore();
  });

  it("refuses an embedding call the tenant's monthly budget cannot cover, before calling the provider", async () => {
    const store = await freshStore();
    await store.putTenant({ id: 'acme', name: 'Acme', plan: 'team', monthlyBudgetMicroUsd: 1 });
    const task = await store.createTask('acme', {
      prompt: 'Write a slugify function',
      preference: 'balanced',
    });
    const { client, asked, bedrock } = titanBedrock();
    const embedder = new MeteredEmbedder(new BedrockTitanEmbedder(client), new StoreMeter(store));
    const text = 'word '.repeat(20_000);
    await expect(
      embedder.embed([text], { tenantId: 'acme', taskId: task.id, employeeId: 'memory' }),
    ).rejects.toMatchObject({ code: 'BudgetExceeded' });
    expect(asked).toEqual([]);
    expect(await store.listUsage('acme', task.id)).toEqual([]);
    bedrock.restore();
  });
});
