import { TechteamError } from '../errors';

/** Billing is off here (deploy-your-own, or no STRIPE_SECRET_KEY): says which, and what the tenant gets instead. */
export class BillingOff extends TechteamError {
  constructor(reason: string, plan: string) {
    super('BillingOff', 409, `Billing is off: ${reason}. This tenant has the ${plan} plan.`, {
      reason,
      plan,
    });
  }
}

/** A request beyond what the tenant's plan allows; names the plan and the limit. */
export class PlanLimitReached extends TechteamError {
  constructor(
    plan: string,
    limit: string,
    message: string,
    status: 402 | 403 = 403,
    details: Record<string, unknown> = {},
  ) {
    super('PlanLimitReached', status, message, { plan, limit, ...details });
  }
}

/** Stripe has not been set up with the plans yet. */
export class BillingNotSynced extends TechteamError {
  constructor(what: string) {
    super(
      'BillingNotSynced',
      503,
      `Stripe has no ${what} yet: run \`techteam billing sync\` once for this account`,
      {
        what,
      },
    );
  }
}

/** A webhook request whose signature does not verify (or is missing): nothing is applied. */
export class WebhookSignatureInvalid extends TechteamError {
  constructor(why: string) {
    super('WebhookSignatureInvalid', 400, `The Stripe-Signature header does not verify: ${why}`);
  }
}
