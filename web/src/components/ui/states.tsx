import type { ReactNode } from 'react';
import { ApiError } from '@/lib/api';
import { Button } from './button';

/** What a page shows while it waits: a pulse in the shape of what is coming, announced to screen readers. */
export function Loading({ what }: { what: string }) {
  return (
    <div role="status" aria-live="polite" className="grid gap-2" data-state="loading">
      <span className="sr-only">Loading {what}…</span>
      <div className="h-5 w-1/3 animate-pulse rounded bg-muted" />
      <div className="h-20 animate-pulse rounded bg-muted" />
    </div>
  );
}

/** Nothing here yet: what would be here, and the way to make some. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed p-8 text-center" data-state="empty">
      <p className="font-medium">{title}</p>
      {children && <div className="mt-2 text-sm text-muted-foreground">{children}</div>}
    </div>
  );
}

/** The API's own words about what went wrong, and a retry. */
export function Failure({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
  return (
    <div role="alert" className="rounded-lg border border-destructive/50 p-4 text-sm" data-state="error">
      <p className="font-medium text-destructive">Something went wrong</p>
      <p className="mt-1">{message}</p>
      {retry && (
        <Button variant="outline" size="sm" className="mt-3" onClick={retry}>
          Try again
        </Button>
      )}
    </div>
  );
}
