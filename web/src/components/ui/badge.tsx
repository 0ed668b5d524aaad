import type { ReactNode } from 'react';
import { cn } from '@/lib/cn';

const TONES = {
  neutral: 'bg-muted text-foreground',
  good: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-200',
  bad: 'bg-red-100 text-red-900 dark:bg-red-900/50 dark:text-red-200',
  busy: 'bg-sky-100 text-sky-900 dark:bg-sky-900/50 dark:text-sky-200',
  wait: 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200',
} as const;
export type Tone = keyof typeof TONES;

export function Badge({
  tone = 'neutral',
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span
      title={title}
      className={cn('inline-flex items-center rounded px-1.5 py-0.5 text-xs font-medium', TONES[tone])}
    >
      {children}
    </span>
  );
}
