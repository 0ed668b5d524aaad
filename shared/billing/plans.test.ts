import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBillingSettings } from './config';
import { effectivePlan } from './entitlements';
import { modelTierOf, overageUnitAmountDecimal, PLANS, planAllowanceMicroUsd } from './plans';

describe('plans as code', () => {
  it('bills one micro-USD of spend at the rate in cents, in at most 12 decimals', () => {
    expect(overageUnitAmountDecimal(1.2)).toBe('0.00012');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (hundredths) => {
        const rate = hundredths / 100;
        const decimal = overageUnitAmountDecimal(rate);
        expect(decimal).toMatch(/^0\.\d{1,12}$/);
        // A million micro-USD (one USD of spend) bills rate × 100 cents.
        expect(Number(decimal) * 1_000_000).toBeCloseTo(rate * 100, 6);
      }),
    );
  });

  it('makes the monthly budget the credit plus the cap, and never more than the credit on Free', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 10 ** 9 }), (cap) => {
        expect(planAllowanceMicroUsd(PLANS.free, cap)).toBe(PLANS.free.entitlements.monthlyCreditMicroUsd);
        expect(planAllowanceMicroUsd(PLANS.team, cap)).toBe(
          PLANS.team.entitlements.monthlyCreditMicroUsd + Math.max(0, cap),
        );
      }),
    );
  });

  it('ranks models into tiers by catalog quality', () => {
    expect([1, 2, 3, 4, 5].map(modelTierOf)).toEqual(['basic', 'basic', 'standard', 'standard', 'premium']);
    expect(PLANS.free.entitlements.modelTiers).not.toContain('premium');
  });
});

describe('the plan a tenant has', () => {
  const on = loadBillingSettings({ STRIPE_SECRET_KEY: 'sk_test_x' });
  const now = new Date('2026-12-02T00:00:00Z');
  const account = { tenantId: 't', plan: 'team' as const, overageCapMicroUsd: 0, updatedAt: '' };

  it('is the setting’s while billing is off, saying why', () => {
    const off = loadBillingSettings({
      TECHTEAM_MODE: 'byo',
      STRIPE_SECRET_KEY: 'sk_test_x',
      TECHTEAM_PLAN_WHEN_BILLING_OFF: 'free',
    });
    expect(off).toMatchObject({ enabled: false, offReason: 'deploy-your-own mode has no Stripe billing' });
    expect(effectivePlan(account, off, now).id).toBe('free');
    expect(() => loadBillingSettings({ TECHTEAM_PLAN_WHEN_BILLING_OFF: 'gold' })).toThrow(
      /TECHTEAM_PLAN_WHEN_BILLING_OFF/,
    );
  });

  it('is Free once a grace period has passed, even before the sweep records it', () => {
    expect(effectivePlan({ ...account, graceUntil: '2026-12-03T00:00:00.000Z' }, on, now).id).toBe('team');
    expect(effectivePlan({ ...account, graceUntil: '2026-12-01T00:00:00.000Z' }, on, now).id).toBe('free');
    expect(effectivePlan(undefined, on, now).id).toBe('free');
  });
});
