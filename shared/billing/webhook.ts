import { ConfigInvalid } from '../errors';
import { log } from '../observability';
import { actAsTenant } from '../store/acting-tenant';
import {
  type AccountChange,
  accountChangeWrites,
  type BillingAccount,
  withSpendCap,
} from '../store/billing-accounts';
import { applyStripeEventOnce, type StripeEventOutcome } from '../store/stripe-events';
import { reconcileMonthlyBudget } from '../store/tenant-budget';
import { isScopableTenant } from '../store/tenant-credentials';
import type { BillingDeps } from './deps';
import { WebhookSignatureInvalid } from './errors';
import { lookupKeys, PLANS, type Plan, PlanId, planAllowanceMicroUsd } from './plans';
import type { Stripe } from './stripe-client';

export interface WebhookResult {
  eventId: string;
  type: string;
  /** `ignored`: an event type billing does not act on (answered 200 so Stripe stops sending it). */
  outcome: StripeEventOutcome | 'ignored';
  tenantId?: string;
}

/** Subscription statuses in which the plan paid for is the plan had. */
const LIVE_STATUSES = new Set(['active', 'trialing', 'past_due']);

/**
 * Verifies a Stripe webhook delivery on its raw body and applies it exactly once.
 * Nothing is written before the signature verifies. The event's tenant is found from what
 * Stripe names (the customer, through our own `STRIPE#CUSTOMER#` record, read with the
 * function's own narrow grant); everything after that acts as that tenant (`actAsTenant`),
 * so its reads and writes are signed by the tenant's session and a key naming any other
 * tenant is refused. The event's effects and the claim of its id, both in the tenant's
 * partitions, are one transaction (`applyStripeEventOnce`). A subscription's state is
 * fetched from Stripe rather than taken from the event, and kept only if no event
 * created later was applied, so deliveries in any order end in Stripe's current state.
 */
export async function receiveStripeWebhook(
  deps: BillingDeps,
  rawBody: string | Buffer,
  signature: string | undefined,
): Promise<WebhookResult> {
  const secret = deps.settings.webhookSecret;
  if (!secret) throw new ConfigInvalid('STRIPE_WEBHOOK_SECRET', 'is not set, so no webhook can be verified');
  if (!signature) throw new WebhookSignatureInvalid('the header is missing');
  let event: Stripe.Event;
  try {
    event = deps.stripe.webhooks.constructEvent(rawBody, signature, secret);
  } catch (e) {
    throw new WebhookSignatureInvalid((e as Error).message);
  }
  const subject = subjectOf(event);
  const found = subject ? await tenantOf(deps, subject) : { why: 'billing does not act on this type' };
  if (!subject || found.tenantId === undefined) {
    // Answered 200 so Stripe stops sending it: nothing here could ever apply it.
    log.info('Stripe event ignored', { eventId: event.id, type: event.type, why: found.why });
    return { eventId: event.id, type: event.type, outcome: 'ignored' };
  }
  const { tenantId } = found;
  return actAsTenant(tenantId, async () => {
    const now = deps.now();
    const change = await withSpendCap(deps.store, tenantId, await changeOf(deps, event, subject, tenantId));
    const outcome = await applyStripeEventOnce(
      deps.store,
      { id: event.id, type: event.type, created: event.created, tenantId },
      accountChangeWrites(deps.store.tableName, tenantId, change, now.toISOString()),
      now,
    );
    // Also on a redelivery: a settings change that raced this event's budget write is folded in.
    if (change.tenant) await reconcileMonthlyBudget(deps.store, tenantId);
    return { eventId: event.id, type: event.type, outcome, tenantId };
  });
}

/** What an event billing acts on names: its customer, the tenant our own request told Stripe, its subscription. */
interface Subject {
  customerId?: string | undefined;
  /** The tenant named in what we sent Stripe (a checkout's reference, a subscription's metadata). */
  namedTenant?: string | undefined;
  /** The subscription whose state the event changes (checkout and subscription events). */
  subscriptionId?: string | undefined;
}

/** The event's subject, or undefined for an event billing does not act on. */
function subjectOf(event: Stripe.Event): Subject | undefined {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      const subscriptionId = idOf(session.subscription);
      if (!subscriptionId) return undefined;
      return {
        customerId: idOf(session.customer),
        namedTenant: session.client_reference_id ?? session.metadata?.['tenantId'],
        subscriptionId,
      };
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const sub = event.data.object;
      return {
        customerId: idOf(sub.customer),
        namedTenant: sub.metadata?.['tenantId'],
        subscriptionId: sub.id,
      };
    }
    case 'invoice.paid':
    case 'invoice.payment_failed':
      return { customerId: idOf(event.data.object.customer) };
    default:
      return undefined;
  }
}

/**
 * The event's tenant: the one we recorded for its customer, else the one our own request named
 * (a customer made outside `ensureCustomer`). A customer recorded for one tenant in an event
 * naming another applies to neither: no Stripe event may carry one tenant's customer into
 * another tenant's account.
 */
async function tenantOf(deps: BillingDeps, subject: Subject): Promise<{ tenantId?: string; why?: string }> {
  const recorded = subject.customerId ? await deps.accounts.tenantOfCustomer(subject.customerId) : undefined;
  if (recorded !== undefined && subject.namedTenant !== undefined && recorded !== subject.namedTenant)
    return { why: 'its customer is recorded for another tenant than the one it names' };
  const tenantId = recorded ?? subject.namedTenant;
  if (tenantId === undefined)
    return { why: subject.customerId ? 'its customer is not one of ours' : 'it names no customer or tenant' };
  // No tenant has such an id (no session could act for it): a retry would fail the same way.
  if (!isScopableTenant(tenantId)) return { why: 'it names a tenant id no tenant can have' };
  return { tenantId };
}

/** The account change an event makes, read and fetched acting as its tenant. */
async function changeOf(
  deps: BillingDeps,
  event: Stripe.Event,
  subject: Subject,
  tenantId: string,
): Promise<AccountChange> {
  if (subject.subscriptionId)
    return subscriptionChange(deps, tenantId, subject.subscriptionId, event.created);
  const account = await deps.accounts.get(tenantId);
  const guard = { field: 'invoiceEventCreated' as const, created: event.created };
  if (event.type === 'invoice.payment_failed') {
    const graceUntil =
      account?.graceUntil ??
      new Date(deps.now().getTime() + deps.settings.graceDays * 86_400_000).toISOString();
    return {
      set: {
        paymentFailedAt: deps.now().toISOString(),
        graceUntil,
        invoiceEventCreated: event.created,
      },
      ifNotOlderThan: guard,
    };
  }
  // Paid: the grace period ends, and a plan the sweep had taken back to Free is the subscription's again.
  const restored = account?.subscriptionId
    ? await fetchSubscription(deps, account.subscriptionId)
    : undefined;
  const state = restored ? subscriptionState(restored, account) : undefined;
  return {
    set: { invoiceEventCreated: event.created, ...(state ? { plan: state.plan.id } : {}) },
    remove: ['paymentFailedAt', 'graceUntil'],
    ...(state ? { tenant: state.tenant } : {}),
    ifNotOlderThan: guard,
  };
}

async function subscriptionChange(
  deps: BillingDeps,
  tenantId: string,
  subscriptionId: string,
  created: number,
): Promise<AccountChange> {
  const account = await deps.accounts.get(tenantId);
  const sub = await fetchSubscription(deps, subscriptionId);
  const state = sub
    ? subscriptionState(sub, account)
    : { plan: PLANS.free, status: 'canceled', tenant: tenantBudget(PLANS.free, account) };
  return {
    set: {
      plan: state.plan.id,
      subscriptionId,
      subscriptionStatus: state.status,
      subscriptionEventCreated: created,
      ...(sub ? { customerId: idOf(sub.customer)! } : {}),
    },
    tenant: state.tenant,
    ifNotOlderThan: { field: 'subscriptionEventCreated', created },
  };
}

/** The subscription as Stripe has it now; undefined if Stripe no longer knows it. */
async function fetchSubscription(deps: BillingDeps, id: string): Promise<Stripe.Subscription | undefined> {
  try {
    return await deps.stripe.subscriptions.retrieve(id, { expand: ['items.data.price'] });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw e;
  }
}

/** The plan a subscription gives (Free unless it is live), named by its monthly price's lookup key. */
export function planOfSubscription(sub: Stripe.Subscription): Plan {
  if (!LIVE_STATUSES.has(sub.status)) return PLANS.free;
  for (const item of sub.items.data) {
    for (const id of PlanId.options) {
      if (item.price.lookup_key === lookupKeys.monthly(id) || item.price.metadata?.['techteam_plan'] === id)
        return PLANS[id];
    }
  }
  const named = PlanId.safeParse(sub.metadata?.['plan']);
  return named.success ? PLANS[named.data] : PLANS.free;
}

function subscriptionState(sub: Stripe.Subscription, account: BillingAccount | undefined) {
  const plan = planOfSubscription(sub);
  return { plan, status: sub.status as string, tenant: tenantBudget(plan, account) };
}

function tenantBudget(plan: Plan, account: BillingAccount | undefined) {
  return {
    plan: plan.id,
    planAllowanceMicroUsd: planAllowanceMicroUsd(plan, account?.overageCapMicroUsd ?? 0),
  };
}

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  return typeof value === 'string' ? value : (value?.id ?? undefined);
}
