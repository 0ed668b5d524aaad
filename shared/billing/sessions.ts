import { InvalidInput, TechteamError } from '../errors';
import { ensureCustomer } from './customers';
import type { BillingDeps } from './deps';
import { BillingNotSynced } from './errors';
import { lookupKeys, PlanId } from './plans';
import { catalogPrices } from './sync';

/** A Checkout Session for a paid plan: its URL, where the user pays and the subscription begins. */
export async function createCheckout(
  deps: BillingDeps,
  tenantId: string,
  planId: string,
): Promise<{ url: string }> {
  const parsed = PlanId.safeParse(planId);
  if (!parsed.success || parsed.data === 'free')
    throw new InvalidInput('plan must be team or business', [
      { path: 'plan', message: 'must be team or business (Free needs no checkout)' },
    ]);
  const plan = parsed.data;
  const account = await deps.accounts.get(tenantId);
  if (
    account?.subscriptionId &&
    ['active', 'trialing', 'past_due'].includes(account.subscriptionStatus ?? '')
  )
    throw new TechteamError(
      'AlreadySubscribed',
      409,
      `This tenant already has a ${account.plan} subscription; change plans in the customer portal (POST /v1/billing/portal)`,
      { plan: account.plan },
    );
  const keys = [lookupKeys.monthly(plan), lookupKeys.overage(plan)];
  const prices = await catalogPrices(deps.stripe, keys);
  const monthly = prices.get(keys[0]!);
  const overage = prices.get(keys[1]!);
  if (!monthly || !overage) throw new BillingNotSynced(`price ${monthly ? keys[1] : keys[0]}`);
  const customer = await ensureCustomer(deps, tenantId);
  const session = await deps.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: tenantId,
    line_items: [{ price: monthly.id, quantity: 1 }, { price: overage.id }],
    subscription_data: { metadata: { tenantId, plan } },
    metadata: { tenantId, plan },
    success_url: `${deps.settings.appUrl}/billing?checkout=done`,
    cancel_url: `${deps.settings.appUrl}/billing?checkout=cancelled`,
  });
  if (!session.url)
    throw new TechteamError('StripeNoUrl', 502, 'Stripe returned a Checkout Session without a URL');
  return { url: session.url };
}

/** A Customer Portal session: where the tenant changes plan, payment method, or cancels. */
export async function createPortal(deps: BillingDeps, tenantId: string): Promise<{ url: string }> {
  const customer = await ensureCustomer(deps, tenantId);
  const session = await deps.stripe.billingPortal.sessions.create({
    customer,
    return_url: `${deps.settings.appUrl}/billing`,
  });
  return { url: session.url };
}
