'use client';
import dynamic from 'next/dynamic';
import { useState } from 'react';
import { Card, CardTitle } from '@/components/ui/card';
import { Input } from '@/components/ui/field';
import { Meter } from '@/components/ui/meter';
import { Empty, Failure, Loading } from '@/components/ui/states';
import { Table, Td, Th } from '@/components/ui/table';
import { api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-config';
import { usd } from '@/lib/task-view';
import type { UsageLine } from '@/lib/types';
import { useLoad } from '@/lib/use-load';

// recharts is the heaviest library of the dashboard: the tables draw first, the charts when it loads.
const UsageChart = dynamic(() => import('./usage-chart').then((m) => m.UsageChart), {
  ssr: false,
  loading: () => <div className="h-56 animate-pulse rounded bg-muted" />,
});

function thisMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

function Breakdown({ title, lines, keyLabel }: { title: string; lines: UsageLine[]; keyLabel: string }) {
  return (
    <Card className="min-w-0" data-testid={`usage-${keyLabel}`}>
      <CardTitle>{title}</CardTitle>
      {lines.length === 0 ? (
        <p className="text-sm text-muted-foreground">No model calls this month.</p>
      ) : (
        <div className="grid gap-3 md:grid-cols-2">
          <UsageChart lines={lines} label={title} />
          <Table>
            <thead>
              <tr>
                <Th>{keyLabel}</Th>
                <Th className="text-right">Cost</Th>
                <Th className="text-right">Tokens in / out</Th>
                <Th className="text-right">Calls</Th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr key={l.key}>
                  <Td>
                    {l.key}
                    {l.note && (
                      <span className="block text-xs text-muted-foreground" data-testid="usage-note">
                        {l.note}
                      </span>
                    )}
                  </Td>
                  <Td className="text-right tabular-nums">{usd(l.costMicroUsd)}</Td>
                  <Td className="text-right tabular-nums">
                    {l.inputTokens.toLocaleString()} / {l.outputTokens.toLocaleString()}
                  </Td>
                  <Td className="text-right tabular-nums">{l.calls}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </div>
      )}
    </Card>
  );
}

/** Token cost by day, by employee and by model for a month, and the month's spend against the budget. */
export function UsagePage() {
  const { ready } = useDashboard();
  const [month, setMonth] = useState(thisMonth);
  const usage = useLoad(() => api.usage(month), `${month}:${ready}`);
  const u = usage.data;
  const budget = u?.monthlyBudgetMicroUsd ?? null;
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">Usage</h1>
        <label htmlFor="usage-month" className="ml-auto flex items-center gap-2 text-sm">
          Month
          <Input
            id="usage-month"
            type="month"
            value={month}
            onChange={(e) => e.target.value && setMonth(e.target.value)}
            className="w-40"
          />
        </label>
      </div>
      {usage.loading && !u ? (
        <Loading what="usage" />
      ) : usage.error ? (
        <Failure error={usage.error} retry={usage.reload} />
      ) : !u ? null : (
        <>
          <Card>
            <CardTitle>Spend in {u.month}</CardTitle>
            <p className="text-2xl font-semibold tabular-nums" data-testid="month-spend">
              {usd(u.totalMicroUsd)}
            </p>
            <p className="text-sm text-muted-foreground">
              {budget === null
                ? 'No monthly budget is set (Settings).'
                : `of a ${usd(budget)} monthly budget (${Math.round((u.totalMicroUsd / budget) * 100)}%)`}
            </p>
            {budget !== null && (
              <Meter label="Monthly budget spent" fraction={u.totalMicroUsd / budget} className="mt-2" />
            )}
          </Card>
          {u.byDay.length === 0 ? (
            <Empty title={`No usage in ${u.month}`}>
              Model and embedding calls appear here, by day, employee and model, as tasks run and documents
              are indexed.
            </Empty>
          ) : (
            <>
              <Breakdown title="By day" lines={u.byDay} keyLabel="day" />
              <Breakdown title="By employee" lines={u.byEmployee} keyLabel="employee" />
              <Breakdown title="By model" lines={u.byModel} keyLabel="model" />
            </>
          )}
        </>
      )}
    </div>
  );
}
