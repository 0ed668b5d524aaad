import { type EmployeeProfile, SUPER_AGENT, type TaskTeam } from '../domain';
import { InvalidInput } from '../errors';

/** What the check needs of a model as the tenant sees it (a row of `GET /v1/models`). */
export interface TeamModelRow {
  id: string;
  provider: string;
  live: boolean;
  unavailable?: string;
}

const refuse = (path: string, message: string): never => {
  throw new InvalidInput(`Invalid body: ${path}: ${message}`, [{ path, message }]);
};

/**
 * Refuses a task's team choice that cannot run: an employee not on the tenant's roster, no
 * employee besides the Super Agent to take the plan's steps, or a model the employee may not use
 * (not in its allowed models, not in the tenant's catalog, or its provider is not live here).
 * The error names the field, e.g. `team.models.dev`.
 */
export function checkTaskTeam(
  team: TaskTeam,
  roster: readonly EmployeeProfile[],
  models: readonly TeamModelRow[],
): void {
  const known = roster.map((p) => p.id);
  team.employees.forEach((id, i) => {
    if (!known.includes(id))
      refuse(`team.employees.${i}`, `unknown employee '${id}'; known: ${known.join(', ')}`);
  });
  if (!team.employees.some((id) => id !== SUPER_AGENT)) {
    refuse(
      'team.employees',
      `must name at least one employee besides ${SUPER_AGENT} to do the planned steps; known: ${known
        .filter((id) => id !== SUPER_AGENT)
        .join(', ')}`,
    );
  }
  for (const [employee, modelId] of Object.entries(team.models ?? {})) {
    const path = `team.models.${employee}`;
    const profile = roster.find((p) => p.id === employee);
    if (!profile || (employee !== SUPER_AGENT && !team.employees.includes(employee))) {
      refuse(
        path,
        `'${employee}' is not on this task's team (${[SUPER_AGENT, ...team.employees].join(', ')})`,
      );
    }
    if (!profile!.allowedModels.includes(modelId)) {
      refuse(
        path,
        `'${modelId}' is not one of ${employee}'s allowed models: ${profile!.allowedModels.join(', ')}`,
      );
    }
    const row = models.find((m) => m.id === modelId);
    if (!row) refuse(path, `'${modelId}' is not in this tenant's model catalog`);
    if (row!.unavailable) refuse(path, `'${modelId}' cannot be called here: ${row!.unavailable}`);
    if (!row!.live)
      refuse(path, `'${modelId}' is not live: its provider '${row!.provider}' is not configured`);
  }
}
