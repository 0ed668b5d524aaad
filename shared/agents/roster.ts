import { type EmployeeProfile, onTeam, type Task } from '../domain';
import { NotFound } from '../errors';
import type { Store } from '../store';
import { BUILT_IN_PROFILES } from './profiles';

/**
 * A tenant's team: the built-in employees (as this host configures them, see builtInProfiles)
 * and the tenant's own, where a tenant's profile with a built-in id replaces the built-in one.
 */
export async function teamOf(
  store: Store,
  tenantId: string,
  builtIns: readonly EmployeeProfile[] = BUILT_IN_PROFILES,
): Promise<EmployeeProfile[]> {
  const own = await store.listEmployees(tenantId);
  const ids = new Set(own.map((p) => p.id));
  return [...builtIns.filter((p) => !ids.has(p.id)), ...own];
}

export async function employeeOf(
  store: Store,
  tenantId: string,
  id: string,
  builtIns?: readonly EmployeeProfile[],
): Promise<EmployeeProfile> {
  const profile = (await teamOf(store, tenantId, builtIns)).find((p) => p.id === id);
  if (!profile) throw new NotFound('employee', id);
  return profile;
}

/** The employees who may work on a task: its chosen team (and the Super Agent), else the whole roster. */
export async function teamForTask(
  store: Store,
  task: Pick<Task, 'tenantId' | 'team'>,
  builtIns?: readonly EmployeeProfile[],
): Promise<EmployeeProfile[]> {
  return (await teamOf(store, task.tenantId, builtIns)).filter((p) => onTeam(task, p.id));
}
