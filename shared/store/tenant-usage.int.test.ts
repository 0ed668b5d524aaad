import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../errors';
import { freshStore } from '../testing/dynamo';
import type { Store } from './store';
import { listTenantUsage } from './tenant-usage';

let now = new Date('2026-11-30T23:59:00Z');
let store: Store;

const call = (tenantId: string, taskId: string, costMicroUsd: number) =>
  store.recordUsage({
    tenantId,
    taskId,
    employeeId: 'dev',
    provider: 'demo',
    model: 'demo-1',
    inputTokens: 100,
    outputTokens: 20,
    cachedInputTokens: 0,
    costMicroUsd,
    latencyMs: 5,
    attempts: 1,
    outcome: 'ok',
  });

beforeAll(async () => {
  store = await freshStore({ now: () => now });
});

describe("a tenant's usage in a month", () => {
  it('lists every record of that month and tenant, oldest first, and nothing of another month or tenant', async () => {
    const a = await store.createTask('acme', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
    });
    const b = await store.createTask('globex', {
      prompt: 'Write a slugify function with tests',
      preference: 'balanced',
    });
    await call('acme', a.id, 1_000); // November
    now = new Date('2026-12-01T00:01:00Z');
    await call('acme', a.id, 2_000);
    await call('globex', b.id, 9_000);
    now = new Date('2026-12-02T10:00:00Z');
    await call('acme', a.id, 3_000);

    const december = await listTenantUsage(store, 'acme', '2026-12');
    expect(december.map((r) => r.costMicroUsd)).toEqual([2_000, 3_000]);
    expect(december[0]).not.toHaveProperty('GSI1PK');
    expect((await listTenantUsage(store, 'acme', '2026-11')).map((r) => r.costMicroUsd)).toEqual([1_000]);
    expect(await listTenantUsage(store, 'acme', '2026-10')).toEqual([]);
  });

  it('refuses a month that is not yyyy-mm, naming the field', async () => {
    const error = await listTenantUsage(store, 'acme', '2026-13').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).issues[0]?.path).toBe('month');
  });
});
