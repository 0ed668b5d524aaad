import type { Tenant } from '../domain';
import { RateLimits, type Store } from '../store';
import { RateLimited } from './errors';

/** Defaults when a tenant's settings name no limit. */
export const DEFAULT_REQUESTS_PER_MINUTE = 600;
export const DEFAULT_MAX_RUNNING_TASKS = 5;

/**
 * How many tasks a tenant may have running at once, and the plan that says so: its settings,
 * else the default. The runtime replaces this with the plan's entitlement through `useRunningTaskCap`.
 */
export type RunningTaskCap = (tenant: Tenant | undefined) => number | { cap: number; plan: string };

let capSource: RunningTaskCap = (tenant) => tenant?.maxRunningTasks ?? DEFAULT_MAX_RUNNING_TASKS;

export function useRunningTaskCap(cap: RunningTaskCap): void {
  capSource = cap;
}

export function runningTaskCap(tenant: Tenant | undefined): number {
  return runningTaskLimit(tenant).cap;
}

/** The cap and, when a plan sets it, the plan's name (what a refusal names). */
export function runningTaskLimit(tenant: Tenant | undefined): { cap: number; plan?: string } {
  const limit = capSource(tenant);
  return typeof limit === 'number' ? { cap: limit } : limit;
}

/**
 * Spends one of the tenant's request tokens or throws RateLimited. The bucket holds a minute's
 * requests and refills evenly. The `local` tenant of a loopback host is exempt unless its
 * settings set a limit: the dashboard and CLI poll it freely.
 */
export async function admitRequest(store: Store, tenantId: string): Promise<void> {
  const tenant = await store.getTenant(tenantId);
  if (tenantId === 'local' && tenant?.requestsPerMinute === undefined) return;
  const perMinute = tenant?.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
  const take = await new RateLimits(store.doc, store.tableName).take(tenantId, 'api', {
    capacity: perMinute,
    refillPerSecond: perMinute / 60,
  });
  if (!take.allowed) throw new RateLimited('requests_per_minute', perMinute, take.retryAfterSeconds);
}

/**
 * The running-task cap a new task of this tenant is created under, and the plan that sets it: the
 * store refuses the creation atomically when the tenant is at it (store.createTask with
 * `runningTaskCap`; submitTask answers RateLimited naming `running_tasks` and the plan).
 */
export async function admitTask(
  store: Store,
  tenantId: string,
): Promise<{ runningTaskCap: number; plan?: string }> {
  const { cap, plan } = runningTaskLimit(await store.getTenant(tenantId));
  return { runningTaskCap: cap, ...(plan ? { plan } : {}) };
}

/**
 * Refuses to resume a task while the tenant runs its cap of tasks. Read before the resume, not in
 * its write: a resume racing a create can pass by one, which the next create then waits out.
 */
export async function admitResume(store: Store, tenantId: string): Promise<void> {
  const { cap, plan } = runningTaskLimit(await store.getTenant(tenantId));
  if ((await store.runningTaskCount(tenantId)) >= cap) throw new RateLimited('running_tasks', cap, 30, plan);
}
