import { describe, expect, it } from 'vitest';
import type { Tenant } from '../domain';
import { settingsView } from './tenant-settings';

const acme: Tenant = {
  id: 'acme',
  name: 'Acme',
  plan: 'team',
  createdAt: '2026-01-01T00:00:00.000Z',
  spendCapMicroUsd: 50_000_000,
  planAllowanceMicroUsd: 40_000_000,
  monthlyBudgetMicroUsd: 40_000_000,
  approvalThresholdMicroUsd: 2_000_000,
};

describe('settingsView', () => {
  it("shows the tenant's own cap and, apart, the budget the gateway enforces", () => {
    expect(settingsView(acme)).toEqual({
      monthlyBudgetUsd: 50,
      effectiveMonthlyBudgetUsd: 40,
      approvalThresholdUsd: 2,
      heliconeCache: false,
    });
  });

  it('reads a cap written before it had its own attribute from the budget, when billing never wrote one', () => {
    const legacy: Tenant = {
      id: 'old',
      name: 'Old',
      plan: 'local',
      createdAt: '',
      monthlyBudgetMicroUsd: 7_000_000,
    };
    expect(settingsView(legacy).monthlyBudgetUsd).toBe(7);
  });

  it('shows no limits for a tenant without an item', () => {
    expect(settingsView(undefined)).toEqual({
      monthlyBudgetUsd: null,
      effectiveMonthlyBudgetUsd: null,
      approvalThresholdUsd: null,
      heliconeCache: false,
    });
  });
});
