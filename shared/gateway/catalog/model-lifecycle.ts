/** Where a model stands with its provider, from the catalog's `deprecatedOn` / `retiresOn` / `retired`. */
export interface ModelLifecycle {
  /** The provider announced its end: still answers, migrate away. */
  deprecatedOn?: string;
  /** From this day (UTC) the provider refuses calls to it. */
  retiresOn?: string;
  /** Retired, on a date the source does not state. */
  retired?: boolean;
  /** Where the dates come from. */
  source?: string;
}

export type LifecycleState =
  | { state: 'active' }
  | { state: 'deprecated'; detail: string }
  | { state: 'retired'; detail: string };

/** `today` is a UTC date, YYYY-MM-DD (dates compare as strings). */
export function lifecycleState(lifecycle: ModelLifecycle | undefined, today: string): LifecycleState {
  if (!lifecycle) return { state: 'active' };
  const { deprecatedOn, retiresOn, retired } = lifecycle;
  if (retired) return { state: 'retired', detail: 'retired by its provider' };
  if (retiresOn && retiresOn <= today) return { state: 'retired', detail: `retired on ${retiresOn}` };
  if (retiresOn) return { state: 'deprecated', detail: `deprecated, retires on ${retiresOn}` };
  if (deprecatedOn && deprecatedOn <= today)
    return { state: 'deprecated', detail: `deprecated since ${deprecatedOn}` };
  return { state: 'active' };
}

export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);
