import { parseArgs } from 'node:util';
import {
  type billingStatus,
  type billingUsage,
  loadBillingSettings,
  stripeClient,
  syncStripeCatalog,
} from '@techteam/shared/billing';
import { TechteamClient } from './api-client';
import type { CliIo } from './io';

export type BillingStatusView = Awaited<ReturnType<typeof billingStatus>>;
export type BillingUsageView = Awaited<ReturnType<typeof billingUsage>>;

/**
 * `techteam billing status`: the tenant's plan, what it allows and the month's usage
 * against its credit, from the running host. `techteam billing sync`: makes the Stripe
 * account of STRIPE_SECRET_KEY agree with the plan catalog (safe to run again).
 */
export async function billingCommand(argv: string[], io: CliIo, env = process.env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false } },
  });
  const [sub] = positionals;
  if (sub === 'sync') {
    const settings = loadBillingSettings(env);
    if (!settings.enabled) {
      io.err(`techteam billing sync: billing is off (${settings.offReason}); nothing to sync.`);
      return 1;
    }
    const actions = await syncStripeCatalog(stripeClient(settings));
    if (values.json) io.out(JSON.stringify(actions, null, 2));
    else for (const a of actions) io.out(`${a.action.padEnd(9)} ${a.what} (${a.id})`);
    return 0;
  }
  if (sub !== 'status') {
    io.err(`techteam billing: unknown subcommand '${sub ?? ''}' (try: billing status, billing sync)`);
    return 2;
  }
  const client = new TechteamClient(io.url);
  const { billing } = await client.billingStatus();
  const usage = billing.enabled ? (await client.billingUsage()).usage : undefined;
  if (values.json) io.out(JSON.stringify({ billing, ...(usage ? { usage } : {}) }, null, 2));
  else io.out(formatBillingStatus(billing, usage));
  return 0;
}

const money = (usd: number) => `$${usd.toFixed(2)}`;

/** The status as a person reads it. */
export function formatBillingStatus(billing: BillingStatusView, usage?: BillingUsageView): string {
  const e = billing.entitlements;
  const lines = [
    billing.enabled ? 'Billing    Stripe' : `Billing    off: ${billing.offReason}`,
    `Plan       ${billing.plan.name}${billing.plan.monthlyPriceUsd ? ` (${money(billing.plan.monthlyPriceUsd)}/month)` : ''}` +
      (billing.subscription ? `, subscription ${billing.subscription.status}` : ''),
    `Allows     ${e.maxRunningTasks} running task(s), ${e.modelTiers.join('/')} models, ${e.seats} seat(s), sandbox ${e.sandboxTier}`,
    `Credit     ${money(e.monthlyCreditUsd)} of model spend a month` +
      (billing.plan.overageRate !== null
        ? `; beyond it billed at ${billing.plan.overageRate}× cost up to ${money(billing.overageCapUsd)}`
        : '; no usage beyond it'),
    `Budget     ${
      billing.monthlyBudgetUsd === null
        ? 'none: no cap set (techteam settings, or PUT /v1/settings monthlyBudgetUsd)'
        : `model calls stop at ${money(billing.monthlyBudgetUsd)} this month` +
          (
            billing.spendCapUsd !== null &&
            (billing.planAllowanceUsd === null || billing.spendCapUsd <= billing.planAllowanceUsd)
              ? ' (the tenant’s own cap)'
              : ' (the plan’s credit and overage cap)'
          )
    }`,
  ];
  if (billing.graceUntil)
    lines.push(
      `Payment    failed ${billing.paymentFailedAt}; the plan falls back to Free at ${billing.graceUntil}`,
    );
  if (!usage)
    lines.push(
      `Usage      ${billing.usage.month}: ${money(billing.usage.spentUsd)} spent of ${money(billing.usage.creditUsd)} credit`,
    );
  if (usage)
    lines.push(
      `Usage      ${usage.month}: ${money(usage.recordedUsd)} recorded of ${money(usage.creditUsd)} credit; ` +
        `overage ${money(usage.overageUsd)}, reported ${money(usage.reportedUsd)}, acknowledged by Stripe ${money(usage.acknowledgedUsd)}`,
    );
  return lines.join('\n');
}
