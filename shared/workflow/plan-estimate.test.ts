import { describe, expect, it } from 'vitest';
import { EmployeeProfile } from '../domain';
import { Catalog } from '../gateway/catalog/catalog';
import { ModelGateway } from '../gateway/gateway';
import type { ModelProvider } from '../gateway/types';
import { MemoryMeter } from '../money';
import { estimatePlanMicroUsd } from './plan-estimate';

const openai: ModelProvider = {
  name: 'openai',
  complete: () => Promise.reject(new Error('an estimate calls no model')),
};

const base = {
  id: 'dev',
  name: 'Dev',
  rolePrompt: 'You write code.',
  allowedModels: ['claude-sonnet-4-6', 'gpt-4.1', 'nova-pro'],
  defaultModel: 'claude-sonnet-4-6',
  fallbacks: ['gpt-4.1', 'nova-pro'],
};

describe('a plan estimate', () => {
  const step = (id: string, employee: string) => ({
    id,
    employee,
    title: id,
    instructions: 'x'.repeat(100),
    dependsOn: [],
    acceptance: 'done',
  });
  const plan = { summary: 's', steps: [step('a', 'dev'), step('b', 'qa'), step('c', 'nobody')] };
  const qa = EmployeeProfile.parse({ ...base, id: 'qa', maxIterations: 2, maxTokensPerStep: 1000 });
  const dev = EmployeeProfile.parse({ ...base, maxIterations: 3, maxTokensPerStep: 1000 });
  const profileFor = async (id: string) => (id === 'dev' ? dev : id === 'qa' ? qa : undefined);

  it('prices every step at its employee’s first live model, all iterations, two rounds for Dev', async () => {
    const models = new ModelGateway({
      providers: new Map([['openai', openai]]),
      catalog: Catalog.shipped(),
      meter: new MemoryMeter(),
    });
    const estimate = await estimatePlanMicroUsd(plan, { models, preference: 'balanced', profileFor });
    // Anthropic is not live, so both price at gpt-4.1 ($2 in, $8 out per million):
    const perCall = Math.ceil(((2_000 + 100 + 16) * 2_000_000 + 1000 * 8_000_000) / 1_000_000);
    expect(estimate).toBe(perCall * 3 * 2 + perCall * 2);
  });

  it('is zero when the models are free (no ceiling to ask for: the demo)', async () => {
    expect(await estimatePlanMicroUsd(plan, { models: {}, preference: 'balanced', profileFor })).toBe(0);
  });
});
