import { actAsTenant } from '../store/acting-tenant';
import type { BillingAccount } from '../store/billing-accounts';
import type { MeterReport } from '../store/meter-reports';
import type { BillingDeps } from './deps';
import { effectivePlan } from './entitlements';
import { METER_EVENT_NAME, PLANS, planAllowanceMicroUsd } from './plans';

export interface UsageReportRun {
  accounts: number;
  /** Meter events sent (new ones and resent pending ones). */
  sent: number;
  /** Tenants whose grace period ended in this run (now on Free). */
  fellBackToFree: string[];
  failures: { tenantId: string; error: string }[];
}

export const monthOf = (at: Date) => at.toISOString().slice(0, 7);

function previousMonth(at: Date): string {
  return monthOf(new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - 1, 1)));
}

/**
 * One run of the usage reporter (on a schedule: EventBridge on AWS, a timer on the local
 * host). For every billing account: ends a payment-failure grace period that has run
 * out, then reports the month's model spend beyond the plan's credit to the Stripe meter.
 * Last month is visited too, for spend recorded after its last run.
 *
 * The accounts are listed with the function's own grant (the `BILLING#ACCOUNTS` index
 * partition, nothing else); each account's work acts as its tenant (`actAsTenant`), so it is
 * signed by that tenant's session and can touch no other tenant's items. One tenant's failure
 * is recorded and the run goes on to the next.
 */
export async function reportUsage(deps: BillingDeps): Promise<UsageReportRun> {
  const run: UsageReportRun = { accounts: 0, sent: 0, fellBackToFree: [], failures: [] };
  const now = deps.now();
  for await (const account of deps.accounts.all()) {
    run.accounts++;
    try {
      await actAsTenant(account.tenantId, async () => {
        if (await endGraceIfDue(deps, account, now)) run.fellBackToFree.push(account.tenantId);
        if (!account.customerId) return;
        for (const month of [previousMonth(now), monthOf(now)])
          run.sent += await reportMonth(deps, account, month, now);
      });
    } catch (e) {
      run.failures.push({ tenantId: account.tenantId, error: (e as Error).message });
    }
  }
  return run;
}

/** A grace period that has run out: the plan falls back to Free (tasks already running are left to finish). */
async function endGraceIfDue(deps: BillingDeps, account: BillingAccount, now: Date): Promise<boolean> {
  if (!account.graceUntil || now.toISOString() < account.graceUntil || account.plan === 'free') return false;
  return deps.accounts.change(account.tenantId, {
    set: { plan: 'free' },
    tenant: { plan: 'free', planAllowanceMicroUsd: planAllowanceMicroUsd(PLANS.free, 0) },
    ifGraceUntil: account.graceUntil,
  });
}

/** What a month's overage is, and what of it is already with Stripe. */
export async function monthOverage(deps: BillingDeps, account: BillingAccount, month: string, now: Date) {
  const plan = effectivePlan(account, deps.settings, now);
  const recorded = await deps.reports.recordedSpendMicroUsd(account.tenantId, month);
  const overage =
    plan.overageRate === undefined ? 0 : Math.max(0, recorded - plan.entitlements.monthlyCreditMicroUsd);
  const reports = await deps.reports.list(account.tenantId, month);
  return { plan, recorded, overage, reports };
}

/**
 * Sends the month's overage not yet reported. Each report is written `pending` with its
 * identifier before it is sent and marked acknowledged after Stripe answers; a pending
 * one (the process died in between) is sent again under the same identifier and
 * idempotency key, which Stripe bills once.
 */
async function reportMonth(
  deps: BillingDeps,
  account: BillingAccount,
  month: string,
  now: Date,
): Promise<number> {
  const { overage, reports } = await monthOverage(deps, account, month, now);
  let sent = 0;
  for (const report of reports.filter((r) => r.status === 'pending')) {
    await send(deps, account.customerId!, report, now);
    sent++;
  }
  const reported = reports.reduce((sum, r) => sum + r.valueMicroUsd, 0);
  const delta = overage - reported;
  if (delta <= 0) return sent;
  const seq = reports.length + 1;
  const report = {
    tenantId: account.tenantId,
    month,
    seq,
    identifier: `techteam-${account.tenantId}-${month}-${seq}`,
    valueMicroUsd: delta,
  };
  // Another reporter took this seq: it reports the same overage; this run leaves it.
  if (!(await deps.reports.open(report, now))) return sent;
  await send(deps, account.customerId!, report, now);
  return sent + 1;
}

async function send(
  deps: BillingDeps,
  customerId: string,
  report: Pick<MeterReport, 'tenantId' | 'month' | 'seq' | 'identifier' | 'valueMicroUsd'>,
  now: Date,
): Promise<void> {
  // Stripe takes events up to 35 days old; last month's count at its last second.
  const monthEnd = Date.UTC(Number(report.month.slice(0, 4)), Number(report.month.slice(5, 7)), 1) / 1000 - 1;
  const timestamp = Math.min(Math.floor(now.getTime() / 1000), monthEnd);
  try {
    await deps.stripe.billing.meterEvents.create(
      {
        event_name: METER_EVENT_NAME,
        identifier: report.identifier,
        timestamp,
        payload: { stripe_customer_id: customerId, value: String(report.valueMicroUsd) },
      },
      { idempotencyKey: report.identifier },
    );
  } catch (e) {
    // Stripe has this identifier already (sent before the idempotency key expired): it is billed.
    if ((e as { code?: string }).code !== 'resource_already_exists') throw e;
  }
  await deps.reports.acknowledge(report, now);
}
