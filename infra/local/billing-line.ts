import { loadBillingSettings, PLANS } from '@techteam/shared/billing';

/** What the host's start-up banner says about billing: on, or off and why, and the plan the local tenant has. */
export function billingLine(env: Record<string, string | undefined>): string {
  const settings = loadBillingSettings(env);
  return settings.enabled
    ? 'Stripe (usage reported hourly; webhook at /v1/billing/webhook)'
    : `off: ${settings.offReason}; the local tenant has the ${PLANS[settings.planWhenOff].name} plan (TECHTEAM_PLAN_WHEN_BILLING_OFF)`;
}
