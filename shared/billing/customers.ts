import type { BillingDeps } from './deps';

/**
 * The tenant's Stripe customer, made on first need. Made once: every first request
 * creates it under the same idempotency key (Stripe gives them all the one customer),
 * and the store records it only where none is recorded, so requests racing each other
 * all return the same customer id.
 */
export async function ensureCustomer(deps: BillingDeps, tenantId: string): Promise<string> {
  const account = await deps.accounts.get(tenantId);
  if (account?.customerId) return account.customerId;
  const customer = await deps.stripe.customers.create(
    { name: tenantId, metadata: { tenantId } },
    { idempotencyKey: `techteam-customer-${tenantId}` },
  );
  return deps.accounts.recordCustomer(tenantId, customer.id);
}
