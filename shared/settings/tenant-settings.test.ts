import { describe, expect, it } from 'vitest';
import type { Tenant } from '../domain';
import { settingsView, withSettings } from './tenant-settings';

const acme: Tenant = {
  id: 'acme',
  name: 'Acme',
  plan: 'team',
  createdAt: '2026-01-01T00:00:00.000Z',
  monthlyBudgetMicroUsd: 50_000_000,
  approvalThresholdMicroUsd: 2_000_000,
};

describe('withSettings', () => {
  it('changes only the fields given, in micro-USD, keeping the rest of the tenant', () => {
    const next = withSettings(acme, 'acme', { monthlyBudgetUsd: 12.5 });
    expect(next).toEqual({ ...acme, monthlyBudgetMicroUsd: 12_500_000 });
  });

  it('clears a limit set to null, and sets the Helicone cache opt-in', () => {
    const next = withSettings(acme, 'acme', { approvalThresholdUsd: null, heliconeCache: true });
    expect(next).not.toHaveProperty('approvalThresholdMicroUsd');
    expect(settingsView(next as Tenant)).toEqual({
      monthlyBudgetUsd: 50,
      approvalThresholdUsd: null,
      heliconeCache: true,
    });
  });

  it('starts a tenant without an item from its defaults: the local plan for the local tenant, free otherwise', () => {
    expect(withSettings(undefined, 'local', { monthlyBudgetUsd: 1 })).toEqual({
      id: 'local',
      name: 'local',
      plan: 'local',
      monthlyBudgetMicroUsd: 1_000_000,
    });
    expect(withSettings(undefined, 'beta', {}).plan).toBe('free');
  });

  it('leaves the tenant it was given unchanged', () => {
    withSettings(acme, 'acme', { monthlyBudgetUsd: null });
    expect(acme.monthlyBudgetMicroUsd).toBe(50_000_000);
  });
});
