'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { type ReactNode, useEffect, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Select } from '@/components/ui/field';
import { cn } from '@/lib/cn';
import { DashboardConfigProvider, useDashboard } from '@/lib/dashboard-config';
import { SignInGate, useAccount } from './sign-in';

const NAV = [
  { href: '/', label: 'Tasks' },
  { href: '/usage/', label: 'Usage' },
  { href: '/employees/', label: 'Employees & models' },
  { href: '/billing/', label: 'Billing' },
  { href: '/settings/', label: 'Settings' },
];

function ThemeToggle() {
  const [dark, setDark] = useState(false);
  useEffect(() => setDark(document.documentElement.classList.contains('dark')), []);
  const toggle = () => {
    const next = !dark;
    document.documentElement.classList.toggle('dark', next);
    localStorage.setItem('techteam.theme', next ? 'dark' : 'light');
    setDark(next);
  };
  return (
    <Button
      variant="ghost"
      size="sm"
      onClick={toggle}
      aria-label={dark ? 'Switch to light theme' : 'Switch to dark theme'}
    >
      {dark ? '☀ Light' : '☾ Dark'}
    </Button>
  );
}

/** Who is signed in (and in which organization, which is the tenant), and the way out. */
function AccountMenu() {
  const { account, signOut } = useAccount();
  const [switching, setSwitching] = useState(false);
  if (!account || account.kind === 'open') return null;
  return (
    <div data-testid="account" className="flex flex-wrap items-center gap-2 text-sm">
      {account.kind === 'key' ? (
        <span title="Signed in with an API key">
          Key <code data-testid="account-key">{account.keyPrefix}</code>
        </span>
      ) : (
        <>
          <span data-testid="account-user">{account.account.userLabel}</span>
          <Select
            aria-label="Organization"
            className="h-8 w-auto"
            disabled={switching}
            value={account.account.organizationId ?? ''}
            onChange={(e) => {
              setSwitching(true);
              void account.switchOrganization(e.target.value || null).finally(() => setSwitching(false));
            }}
          >
            <option value="">Personal workspace</option>
            {account.account.organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </Select>
        </>
      )}
      <Button variant="outline" size="sm" onClick={signOut}>
        Sign out
      </Button>
    </div>
  );
}

function DemoBanner() {
  const { ready, config } = useDashboard();
  if (!ready || !config.demo) return null;
  return (
    <div
      role="note"
      data-testid="demo-banner"
      className="border-b bg-amber-100 px-4 py-1.5 text-center text-sm text-amber-950 dark:bg-amber-900/40 dark:text-amber-100"
    >
      The <strong>demo</strong> model is thinking: scripted and deterministic, it plays only the built-in
      samples. Set a provider key and restart the host for a real team.
    </div>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const path = usePathname();
  const active = (href: string) =>
    href === '/' ? path === '/' || path.startsWith('/task') : path.startsWith(href);
  const header = (
    <header className="border-b">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
        <Link href="/" className="font-semibold">
          Techteam
        </Link>
        <Navigation active={active} />
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <AccountMenu />
          <ThemeToggle />
        </div>
      </div>
    </header>
  );
  return (
    <DashboardConfigProvider>
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:p-2">
        Skip to content
      </a>
      <DemoBanner />
      <SignInGate header={header}>
        <main id="main" className="mx-auto max-w-6xl px-4 py-6">
          {children}
        </main>
      </SignInGate>
    </DashboardConfigProvider>
  );
}

/** The pages, once someone may see them. */
function Navigation({ active }: { active: (href: string) => boolean }) {
  const { account } = useAccount();
  if (!account) return null;
  return (
    <nav aria-label="Main" className="flex flex-wrap gap-1">
      {NAV.map((n) => (
        <Link
          key={n.href}
          href={n.href}
          aria-current={active(n.href) ? 'page' : undefined}
          className={cn(
            'rounded-md px-2.5 py-1 text-sm hover:bg-accent',
            active(n.href) && 'bg-accent font-medium',
          )}
        >
          {n.label}
        </Link>
      ))}
    </nav>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const tone =
    status === 'succeeded'
      ? 'good'
      : status === 'failed' || status === 'cancelled'
        ? 'bad'
        : status === 'awaiting_approval'
          ? 'wait'
          : status === 'pending'
            ? 'neutral'
            : 'busy';
  return <Badge tone={tone}>{status.replace('_', ' ')}</Badge>;
}

export function LiveModeBadge({ mode }: { mode: string }) {
  const label =
    mode === 'socket'
      ? 'Live'
      : mode === 'polling'
        ? 'Polling every second (no live socket)'
        : mode === 'connecting'
          ? 'Connecting…'
          : 'Stopped';
  return (
    <span data-testid="live-mode" data-mode={mode}>
      <Badge tone={mode === 'socket' ? 'good' : mode === 'polling' ? 'wait' : 'neutral'}>{label}</Badge>
    </span>
  );
}
