import Stripe from 'stripe';
import { lookupKeys, METER_EVENT_NAME, overageUnitAmountDecimal, PLANS, type Plan } from './plans';

export interface SyncAction {
  what: string;
  id: string;
  action: 'created' | 'updated' | 'unchanged' | 'replaced';
}

export const productIdOf = (plan: Plan) => `techteam_${plan.id}`;

/**
 * Makes a Stripe account agree with the plan catalog: the billing meter, one product per
 * plan, its monthly price and its overage price. Everything is found again by what it
 * is (the meter's event name, the product's id, a price's lookup key), so a second run
 * changes nothing, and a changed amount makes a new price that takes the lookup key
 * over (`transfer_lookup_key`; Stripe prices are immutable) and archives the old one.
 */
export async function syncStripeCatalog(
  stripe: Stripe,
  plans: readonly Plan[] = Object.values(PLANS),
): Promise<SyncAction[]> {
  const actions: SyncAction[] = [];
  const meter = await ensureMeter(stripe, actions);
  for (const plan of plans) {
    const product = await ensureProduct(stripe, plan, actions);
    if (plan.monthlyPriceCents > 0)
      await ensurePrice(stripe, lookupKeys.monthly(plan.id), actions, {
        product,
        currency: 'usd',
        unit_amount: plan.monthlyPriceCents,
        recurring: { interval: 'month' },
        metadata: { techteam_plan: plan.id, kind: 'monthly' },
      });
    if (plan.overageRate !== undefined)
      await ensurePrice(stripe, lookupKeys.overage(plan.id), actions, {
        product,
        currency: 'usd',
        unit_amount_decimal: Stripe.Decimal.from(overageUnitAmountDecimal(plan.overageRate)),
        recurring: { interval: 'month', usage_type: 'metered', meter },
        metadata: { techteam_plan: plan.id, kind: 'overage' },
      });
  }
  return actions;
}

async function ensureMeter(stripe: Stripe, actions: SyncAction[]): Promise<string> {
  for await (const meter of stripe.billing.meters.list({ status: 'active', limit: 100 })) {
    if (meter.event_name === METER_EVENT_NAME) {
      actions.push({ what: `meter ${METER_EVENT_NAME}`, id: meter.id, action: 'unchanged' });
      return meter.id;
    }
  }
  const meter = await stripe.billing.meters.create({
    display_name: 'Techteam model spend beyond the included credit (micro-USD)',
    event_name: METER_EVENT_NAME,
    default_aggregation: { formula: 'sum' },
    customer_mapping: { type: 'by_id', event_payload_key: 'stripe_customer_id' },
    value_settings: { event_payload_key: 'value' },
  });
  actions.push({ what: `meter ${METER_EVENT_NAME}`, id: meter.id, action: 'created' });
  return meter.id;
}

async function ensureProduct(stripe: Stripe, plan: Plan, actions: SyncAction[]): Promise<string> {
  const id = productIdOf(plan);
  const wanted = { name: `Techteam ${plan.name}`, metadata: { techteam_plan: plan.id } };
  let existing: Stripe.Product | undefined;
  try {
    existing = await stripe.products.retrieve(id);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
  if (!existing) {
    await stripe.products.create({ id, ...wanted });
    actions.push({ what: `product ${plan.name}`, id, action: 'created' });
  } else if (existing.name !== wanted.name || existing.metadata?.['techteam_plan'] !== plan.id) {
    await stripe.products.update(id, wanted);
    actions.push({ what: `product ${plan.name}`, id, action: 'updated' });
  } else actions.push({ what: `product ${plan.name}`, id, action: 'unchanged' });
  return id;
}

type PriceSpec = Omit<Stripe.PriceCreateParams, 'lookup_key' | 'transfer_lookup_key'> & {
  product: string;
  recurring: { interval: 'month'; usage_type?: 'metered'; meter?: string };
};

function samePrice(price: Stripe.Price, spec: PriceSpec): boolean {
  const recurring = price.recurring as (Stripe.Price.Recurring & { meter?: string | null }) | null;
  return (
    price.product === spec.product &&
    price.currency === spec.currency &&
    (spec.unit_amount === undefined || Number(price.unit_amount) === spec.unit_amount) &&
    (spec.unit_amount_decimal === undefined ||
      String(price.unit_amount_decimal) === String(spec.unit_amount_decimal)) &&
    recurring?.interval === spec.recurring.interval &&
    (recurring?.usage_type ?? 'licensed') === (spec.recurring.usage_type ?? 'licensed') &&
    (spec.recurring.meter === undefined || recurring?.meter === spec.recurring.meter)
  );
}

async function ensurePrice(stripe: Stripe, lookupKey: string, actions: SyncAction[], spec: PriceSpec) {
  const found = await stripe.prices.list({ lookup_keys: [lookupKey], active: true, limit: 1 });
  const current = found.data[0];
  if (current && samePrice(current, spec)) {
    actions.push({ what: `price ${lookupKey}`, id: current.id, action: 'unchanged' });
    return;
  }
  const created = await stripe.prices.create({
    ...spec,
    lookup_key: lookupKey,
    transfer_lookup_key: true,
  } as Stripe.PriceCreateParams);
  if (current) await stripe.prices.update(current.id, { active: false });
  actions.push({ what: `price ${lookupKey}`, id: created.id, action: current ? 'replaced' : 'created' });
}

/** The active prices of the catalog by lookup key (what Checkout sells). */
export async function catalogPrices(stripe: Stripe, keys: string[]): Promise<Map<string, Stripe.Price>> {
  const found = await stripe.prices.list({ lookup_keys: keys, active: true, limit: 100 });
  return new Map(found.data.map((p) => [p.lookup_key ?? '', p]));
}
