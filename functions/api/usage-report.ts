/** The usage report `GET /v1/usage` answers (the dashboard's Usage page): a month's calls summed three ways. */
import type { Tenant, UsageRecord } from '@techteam/shared/domain';
import { usageNote } from '@techteam/shared/domain';

export interface UsageLine {
  key: string;
  costMicroUsd: number;
  inputTokens: number;
  outputTokens: number;
  calls: number;
  /** What the line is, when it is not an employee or a billed model (team memory, the $0 offline embedder). */
  note?: string;
}

export interface UsageReport {
  month: string;
  totalMicroUsd: number;
  monthlyBudgetMicroUsd: number | null;
  /** One line per UTC day with calls, in day order. */
  byDay: UsageLine[];
  /** Largest cost first. */
  byEmployee: UsageLine[];
  /** `provider/model`, largest cost first. */
  byModel: UsageLine[];
}

function sum(records: UsageRecord[], keyOf: (r: UsageRecord) => string): UsageLine[] {
  const lines = new Map<string, UsageLine>();
  for (const r of records) {
    const key = keyOf(r);
    const line = lines.get(key) ?? { key, costMicroUsd: 0, inputTokens: 0, outputTokens: 0, calls: 0 };
    line.costMicroUsd += r.costMicroUsd;
    line.inputTokens += r.inputTokens;
    line.outputTokens += r.outputTokens;
    line.calls += 1;
    lines.set(key, line);
  }
  return [...lines.values()];
}

function noted(by: 'employee' | 'model', lines: UsageLine[]): UsageLine[] {
  return lines.map((line) => {
    const note = usageNote(by, line.key);
    return note ? { ...line, note } : line;
  });
}

const byCost = (a: UsageLine, b: UsageLine) => b.costMicroUsd - a.costMicroUsd || a.key.localeCompare(b.key);

export function usageReport(month: string, records: UsageRecord[], tenant: Tenant | undefined): UsageReport {
  return {
    month,
    totalMicroUsd: records.reduce((n, r) => n + r.costMicroUsd, 0),
    monthlyBudgetMicroUsd: tenant?.monthlyBudgetMicroUsd ?? null,
    byDay: sum(records, (r) => r.at.slice(0, 10)).sort((a, b) => a.key.localeCompare(b.key)),
    byEmployee: noted('employee', sum(records, (r) => r.employeeId).sort(byCost)),
    byModel: noted('model', sum(records, (r) => `${r.provider}/${r.model}`).sort(byCost)),
  };
}
