'use client';
import { type ReactNode, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Meter } from '@/components/ui/meter';
import { Empty, Failure, Loading } from '@/components/ui/states';
import { Table, Td, Th } from '@/components/ui/table';
import { ApiError, api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-config';
import type { BillingStatus } from '@/lib/types';
import { useLoad } from '@/lib/use-load';

const dollars = (n: number) => `$${n.toFixed(2)}`;

/** Stripe's hosted pages live on Stripe: the dashboard only ever leaves for the URL the API returned. */
function leaveFor(url: string): void {
  window.location.assign(url);
}

/** The plan in force, the month's spend against its credit, invoices, and the ways to upgrade or manage it. */
export function BillingPage() {
  const { ready } = useDashboard();
  const status = useLoad(() => api.billing(), String(ready));
  const b = status.data?.billing;
  return (
    <div className="grid max-w-3xl gap-4">
      <h1 className="text-xl font-semibold">Billing</h1>
      {status.loading && !b ? (
        <Loading what="billing" />
      ) : status.error ? (
        <Failure error={status.error} retry={status.reload} />
      ) : b ? (
        <>
          {!b.enabled && <BillingOff billing={b} />}
          <PlanCard billing={b} />
          <UsageCard billing={b} />
          {b.enabled && <InvoicesCard />}
        </>
      ) : null}
    </div>
  );
}

function BillingOff({ billing }: { billing: BillingStatus }) {
  return (
    <div
      role="note"
      data-testid="billing-off"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-900/30 dark:text-amber-100"
    >
      <p className="font-medium">Billing is off on this host</p>
      <p className="mt-1">
        {billing.offReason ? `${billing.offReason[0]?.toUpperCase()}${billing.offReason.slice(1)}. ` : ''}
        The <strong>{billing.plan.name}</strong> plan is in force (TECHTEAM_PLAN_WHEN_BILLING_OFF): its limits
        apply, and nothing is charged.
      </p>
    </div>
  );
}

function PlanCard({ billing }: { billing: BillingStatus }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const e = billing.entitlements;
  const upgrades = billing.plans.filter((p) => p.monthlyPriceUsd > billing.plan.monthlyPriceUsd);
  const go = async (what: string, get: () => Promise<{ url: string }>) => {
    setError(undefined);
    setBusy(what);
    try {
      leaveFor((await get()).url);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.message} (${err.code})` : String(err));
      setBusy(undefined);
    }
  };
  return (
    <Card data-testid="billing-plan">
      <CardTitle
        aside={
          billing.subscription?.status ? (
            <Badge tone={billing.subscription.status === 'active' ? 'good' : 'wait'}>
              {billing.subscription.status.replace('_', ' ')}
            </Badge>
          ) : undefined
        }
      >
        Plan: {billing.plan.name}
      </CardTitle>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
        <Entry term="Price">
          {billing.plan.monthlyPriceUsd ? `${dollars(billing.plan.monthlyPriceUsd)} a month` : 'Free'}
        </Entry>
        <Entry term="Model credit">{dollars(e.monthlyCreditUsd)} a month</Entry>
        <Entry term="Running tasks">at most {e.maxRunningTasks} at once</Entry>
        <Entry term="Models">{e.modelTiers.join(', ')}</Entry>
        <Entry term="Seats">{e.seats}</Entry>
        <Entry term="Beyond the credit">
          {billing.plan.overageRate === null
            ? 'not allowed'
            : `up to ${dollars(billing.overageCapUsd)}, billed at ${billing.plan.overageRate}× cost`}
        </Entry>
      </dl>
      {billing.graceUntil && (
        <p role="alert" className="mt-3 text-sm text-destructive">
          A payment failed. The plan falls back to Free on {new Date(billing.graceUntil).toLocaleDateString()}{' '}
          unless the invoice is paid.
        </p>
      )}
      {billing.enabled && (
        <div className="mt-4 flex flex-wrap gap-2">
          {upgrades.map((p) => (
            <Button
              key={p.id}
              disabled={busy !== undefined}
              onClick={() => go(p.id, () => api.checkout(p.id))}
              data-testid={`upgrade-${p.id}`}
            >
              {busy === p.id ? 'Opening Stripe…' : `Upgrade to ${p.name} (${dollars(p.monthlyPriceUsd)}/mo)`}
            </Button>
          ))}
          {billing.hasCustomer && (
            <Button variant="outline" disabled={busy !== undefined} onClick={() => go('portal', api.portal)}>
              {busy === 'portal' ? 'Opening Stripe…' : 'Manage billing'}
            </Button>
          )}
        </div>
      )}
      {error && (
        <p role="alert" className="mt-2 text-sm text-destructive">
          {error}
        </p>
      )}
    </Card>
  );
}

function UsageCard({ billing }: { billing: BillingStatus }) {
  const { spentUsd, creditUsd, month } = billing.usage;
  return (
    <Card data-testid="billing-usage">
      <CardTitle>This month ({month})</CardTitle>
      <p className="text-sm">
        <strong>{dollars(spentUsd)}</strong> of the {dollars(creditUsd)} credit spent on models
      </p>
      <Meter label="Model spend against the plan's credit" fraction={creditUsd ? spentUsd / creditUsd : 0} />
      <p className="mt-2 text-sm text-muted-foreground">
        {billing.monthlyBudgetUsd === null
          ? 'No monthly budget: set a cap in Settings.'
          : `Model calls stop at ${dollars(billing.monthlyBudgetUsd)} this month${
              billing.spendCapUsd !== null &&
              (billing.planAllowanceUsd === null || billing.spendCapUsd <= billing.planAllowanceUsd)
                ? ' (your cap in Settings)'
                : ' (the plan’s credit and overage cap)'
            }.`}
      </p>
    </Card>
  );
}

function InvoicesCard() {
  const invoices = useLoad(() => api.invoices());
  const list = invoices.data?.invoices;
  return (
    <Card data-testid="billing-invoices">
      <CardTitle>Invoices</CardTitle>
      {invoices.loading && !list ? (
        <Loading what="invoices" />
      ) : invoices.error ? (
        <Failure error={invoices.error} retry={invoices.reload} />
      ) : !list?.length ? (
        <Empty title="No invoices yet">Stripe sends the first one when a paid plan starts.</Empty>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>Date</Th>
              <Th>Number</Th>
              <Th>Status</Th>
              <Th className="text-right">Amount</Th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.id}>
                <Td>{new Date(i.created).toLocaleDateString()}</Td>
                <Td>
                  {i.hostedInvoiceUrl ? (
                    <a className="underline" href={i.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                      {i.number ?? i.id}
                    </a>
                  ) : (
                    (i.number ?? i.id)
                  )}
                </Td>
                <Td>{i.status ?? '—'}</Td>
                <Td className="text-right tabular-nums">{dollars(i.amountDueUsd)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}

function Entry({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex justify-between gap-2 border-b py-1 sm:block sm:border-0">
      <dt className="text-muted-foreground">{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
