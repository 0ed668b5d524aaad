import { ConfigInvalid } from '../errors';
import {
  type AccountChange,
  accountChangeWrites,
  type BillingAccount,
  withSpendCap,
} from '../store/billing-accounts';
import { applyStripeEventOnce, type StripeEventOutcome } from '../store/stripe-events';
import { reconcileMonthlyBudget } from '../store/tenant-budget';
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
 * Nothing is written before the signature verifies; the event's effects and the claim
 * of its id are one transaction (`applyStripeEventOnce`). A subscription's state is
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
  const effect = await effectOf(deps, event);
  if (!effect) return { eventId: event.id, type: event.type, outcome: 'ignored' };
  const now = deps.now();
  const change = await withSpendCap(deps.store, effect.tenantId, effect.change);
  const outcome = await applyStripeEventOnce(
    deps.store,
    { id: event.id, type: event.type, created: event.created, tenantId: effect.tenantId },
    accountChangeWrites(deps.store.tableName, effect.tenantId, change, now.toISOString()),
    now,
  );
  // Also on a redelivery: a settings change that raced this event's budget write is folded in.
  if (change.tenant) await reconcileMonthlyBudget(deps.store, effect.tenantId);
  return { eventId: event.id, type: event.type, outcome, tenantId: effect.tenantId };
}

interface Effect {
  tenantId: string;
  change: AccountChange;
}

async function effectOf(deps: BillingDeps, event: Stripe.Event): Promise<Effect | undefined> {
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      const tenantId = session.client_reference_id ?? session.metadata?.['tenantId'];
      const subscriptionId = idOf(session.subscription);
      if (!tenantId || !subscriptionId) return undefined;
      return subscriptionEffect(deps, tenantId, subscriptionId, event.created);
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted': {
      const sub = event.data.object;
      const tenantId =
        sub.metadata?.['tenantId'] ?? (await deps.accounts.tenantOfCustomer(idOf(sub.customer)!));
      if (!tenantId) return undefined;
      return subscriptionEffect(deps, tenantId, sub.id, event.created);
    }
    case 'invoice.paid':
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const tenantId = await deps.accounts.tenantOfCustomer(idOf(invoice.customer)!);
      if (!tenantId) return undefined;
      const account = await deps.accounts.get(tenantId);
      const guard = { field: 'invoiceEventCreated' as const, created: event.created };
      if (event.type === 'invoice.payment_failed') {
        const graceUntil =
          account?.graceUntil ??
          new Date(deps.now().getTime() + deps.settings.graceDays * 86_400_000).toISOString();
        return {
          tenantId,
          change: {
            set: {
              paymentFailedAt: deps.now().toISOString(),
              graceUntil,
              invoiceEventCreated: event.created,
            },
            ifNotOlderThan: guard,
          },
        };
      }
      // Paid: the grace period ends, and a plan the sweep had taken back to Free is the subscription's again.
      const restored = account?.subscriptionId
        ? await fetchSubscription(deps, account.subscriptionId)
        : undefined;
      const state = restored ? subscriptionState(restored, account) : undefined;
      return {
        tenantId,
        change: {
          set: { invoiceEventCreated: event.created, ...(state ? { plan: state.plan.id } : {}) },
          remove: ['paymentFailedAt', 'graceUntil'],
          ...(state ? { tenant: state.tenant } : {}),
          ifNotOlderThan: guard,
        },
      };
    }
    default:
      return undefined;
  }
}

async function subscriptionEffect(
  deps: BillingDeps,
  tenantId: string,
  subscriptionId: string,
  created: number,
): Promise<Effect> {
  const account = await deps.accounts.get(tenantId);
  const sub = await fetchSubscription(deps, subscriptionId);
  const state = sub
    ? subscriptionState(sub, account)
    : { plan: PLANS.free, status: 'canceled', tenant: tenantBudget(PLANS.free, account) };
  return {
    tenantId,
    change: {
      set: {
        plan: state.plan.id,
        subscriptionId,
        subscriptionStatus: state.status,
        subscriptionEventCreated: created,
        ...(sub ? { customerId: idOf(sub.customer)! } : {}),
      },
      tenant: state.tenant,
      ifNotOlderThan: { field: 'subscriptionEventCreated', created },
    },
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
