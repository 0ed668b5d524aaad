import { describe, expect, it } from 'vitest';
import { type BillingStatusView, formatBillingStatus } from './billing-command';

const off: BillingStatusView = {
  enabled: false,
  offReason: 'STRIPE_SECRET_KEY is not set',
  plan: { id: 'business', name: 'Business', monthlyPriceUsd: 199, overageRate: 1.1 },
  entitlements: {
    maxRunningTasks: 20,
    monthlyCreditMicroUsd: 180_000_000,
    monthlyCreditUsd: 180,
    modelTiers: ['basic', 'standard', 'premium'],
    sandboxTier: 'ec2-gvisor',
    seats: 50,
  },
  overageCapUsd: 0,
  planAllowanceUsd: null,
  spendCapUsd: 25,
  monthlyBudgetUsd: 25,
  usage: { month: '2026-12', spentUsd: 1.5, creditUsd: 180 },
  subscription: null,
  hasCustomer: false,
  paymentFailedAt: null,
  graceUntil: null,
  plans: [],
};

describe('techteam billing status', () => {
  it('says billing is off and why, the plan in force, the budget and whose it is, and the month’s spend', () => {
    const text = formatBillingStatus(off);
    expect(text).toContain('Billing    off: STRIPE_SECRET_KEY is not set');
    expect(text).toContain('Plan       Business');
    expect(text).toContain('Allows     20 running task(s), basic/standard/premium models');
    expect(text).toContain('Budget     model calls stop at $25.00 this month (the tenant’s own cap)');
    expect(text).toContain('Usage      2026-12: $1.50 spent of $180.00 credit');
  });

  it('says when no budget applies', () => {
    expect(formatBillingStatus({ ...off, spendCapUsd: null, monthlyBudgetUsd: null })).toMatch(
      /Budget {5}none/,
    );
  });
});
