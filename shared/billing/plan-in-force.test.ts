import { describe, expect, it } from 'vitest';
import { PlanLimitReached } from './errors';
import {
  assertModelAllowed,
  modelRefusal,
  planInForce,
  planRunningTaskCap,
  planSourceFromEnv,
} from './plan-in-force';
import { PLANS } from './plans';

describe('the plan in force', () => {
  it('is TECHTEAM_PLAN_WHEN_BILLING_OFF for every tenant without a Stripe key or in deploy-your-own mode', () => {
    for (const env of [
      { TECHTEAM_PLAN_WHEN_BILLING_OFF: 'team' },
      { TECHTEAM_PLAN_WHEN_BILLING_OFF: 'team', STRIPE_SECRET_KEY: 'sk', TECHTEAM_MODE: 'byo' },
    ]) {
      const source = planSourceFromEnv(env);
      expect(source.billingOn).toBe(false);
      expect(planInForce({ plan: 'business' }, source).id).toBe('team');
    }
    expect(planInForce(undefined, planSourceFromEnv({})).id).toBe('business');
  });

  it('is the plan billing recorded on the tenant when billing is on, Free for one it never saw', () => {
    for (const env of [{ STRIPE_SECRET_KEY: 'sk' }, { TECHTEAM_STRIPE_SECRETS: '{}' }]) {
      const source = planSourceFromEnv(env);
      expect(planInForce({ plan: 'team' }, source).id).toBe('team');
      expect(planInForce(undefined, source).id).toBe('free');
      expect(planInForce({ plan: 'local' }, source).id).toBe('free');
    }
  });

  it('gives the running-task cap of the plan, unless an operator set one for the tenant', () => {
    const cap = planRunningTaskCap(() => ({ billingOn: false, planWhenOff: 'free' }));
    expect(cap(undefined)).toEqual({ cap: 1, plan: 'Free' });
    expect(cap({ id: 'a', name: 'a', plan: 'free', createdAt: '', maxRunningTasks: 3 })).toEqual({
      cap: 3,
      plan: 'Free',
    });
  });

  it('refuses a model above the plan’s tiers, naming the plan, the model and its tier', () => {
    expect(modelRefusal(PLANS.free, { id: 'claude-opus-4-1', quality: 5 })).toMatch(
      /Free plan does not allow premium/,
    );
    expect(modelRefusal(PLANS.team, { id: 'claude-opus-4-1', quality: 5 })).toBeUndefined();
    const refused = (() => {
      try {
        assertModelAllowed(PLANS.free, { id: 'claude-opus-4-1', quality: 5 });
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(PlanLimitReached);
    expect(refused).toMatchObject({
      status: 403,
      details: { plan: 'free', limit: 'modelTiers', model: 'claude-opus-4-1', tier: 'premium' },
    });
  });
});
