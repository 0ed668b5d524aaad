'use client';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { UsageLine } from '@/lib/types';

/** Cost per line as bars, in dollars. No animation: a screenshot shows the final bars. */
export function UsageChart({ lines, label }: { lines: UsageLine[]; label: string }) {
  const data = lines.map((l) => ({ key: l.key, usd: l.costMicroUsd / 1_000_000 }));
  return (
    <figure
      className="h-56 min-w-0"
      aria-label={`${label}: cost chart (the table beside it has the numbers)`}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ left: 8, right: 8, top: 8, bottom: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="key" tick={{ fontSize: 11, fill: 'currentColor' }} />
          <YAxis tick={{ fontSize: 11, fill: 'currentColor' }} tickFormatter={(v: number) => `$${v}`} />
          <Tooltip formatter={(v) => `$${Number(v).toFixed(4)}`} />
          <Bar dataKey="usd" fill="#0ea5e9" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
