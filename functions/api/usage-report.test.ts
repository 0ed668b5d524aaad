import type { UsageRecord } from '@techteam/shared/domain';
import { describe, expect, it } from 'vitest';
import { usageReport } from './usage-report';

const call = (at: string, employeeId: string, model: string, costMicroUsd: number): UsageRecord => ({
  tenantId: 'acme',
  id: at,
  taskId: 'tsk_01',
  employeeId,
  provider: 'openai',
  model,
  inputTokens: 1_000,
  outputTokens: 100,
  cachedInputTokens: 0,
  costMicroUsd,
  latencyMs: 10,
  attempts: 1,
  outcome: 'ok',
  at,
});

describe('the usage report', () => {
  it('sums a month by day in day order, and by employee and by model largest first', () => {
    const report = usageReport(
      '2026-12',
      [
        call('2026-12-02T09:00:00Z', 'dev', 'gpt-4.1', 300),
        call('2026-12-01T09:00:00Z', 'qa', 'gpt-4.1-mini', 50),
        call('2026-12-02T23:59:59Z', 'dev', 'gpt-4.1-mini', 25),
      ],
      {
        tenantId: 'acme',
        name: 'Acme',
        createdAt: '2026-01-01T00:00:00Z',
        monthlyBudgetMicroUsd: 10_000_000,
      } as never,
    );
    expect(report.totalMicroUsd).toBe(375);
    expect(report.monthlyBudgetMicroUsd).toBe(10_000_000);
    expect(report.byDay.map((l) => [l.key, l.costMicroUsd, l.calls])).toEqual([
      ['2026-12-01', 50, 1],
      ['2026-12-02', 325, 2],
    ]);
    expect(report.byEmployee.map((l) => [l.key, l.costMicroUsd, l.inputTokens])).toEqual([
      ['dev', 325, 2_000],
      ['qa', 50, 1_000],
    ]);
    expect(report.byModel.map((l) => l.key)).toEqual(['openai/gpt-4.1', 'openai/gpt-4.1-mini']);
  });

  it('notes what team memory and the $0 offline embedder are, and nothing on ordinary lines', () => {
    const offline = { ...call('2026-12-01T09:00:00Z', 'memory', 'hashed-ngrams-v1', 0), provider: 'offline' };
    const report = usageReport(
      '2026-12',
      [offline, call('2026-12-01T10:00:00Z', 'dev', 'gpt-4.1', 9)],
      undefined,
    );
    expect(report.byEmployee.map((l) => [l.key, l.note])).toEqual([
      ['dev', undefined],
      ['memory', expect.stringMatching(/^team memory: embeddings of uploaded documents/)],
    ]);
    expect(report.byModel.map((l) => [l.key, l.note])).toEqual([
      ['openai/gpt-4.1', undefined],
      ['offline/hashed-ngrams-v1', expect.stringMatching(/no model is called, so it costs \$0/)],
    ]);
  });

  it('is empty, with no budget, for a month without calls', () => {
    expect(usageReport('2026-10', [], undefined)).toEqual({
      month: '2026-10',
      totalMicroUsd: 0,
      monthlyBudgetMicroUsd: null,
      byDay: [],
      byEmployee: [],
      byModel: [],
    });
  });
});
