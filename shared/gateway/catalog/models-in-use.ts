import { lifecycleState } from './model-lifecycle';
import type { ModelsView } from './models-view';

/** What an employee says about models: enough of a profile to find the models it may use. */
export interface EmployeeModels {
  id: string;
  defaultModel: string;
  fallbacks: readonly string[];
  allowedModels: readonly string[];
}

export interface ModelInUseFinding {
  model: string;
  severity: 'retired' | 'deprecated' | 'unknown';
  /** "retired on 2026-11-30", "not in the catalog". */
  detail: string;
  /** Where it is used: "default of dev", "fallback of qa", "allowed for researcher", "tenant override". */
  usedBy: string[];
}

/**
 * The models a tenant's team uses (each employee's default, fallbacks and
 * allowed models, and the tenant's own catalog entries) that are retired,
 * deprecated, or missing from the catalog, worst first. `today` is a UTC day.
 */
export function checkModelsInUse(
  view: Pick<ModelsView, 'models'>,
  employees: readonly EmployeeModels[],
  today: string,
): ModelInUseFinding[] {
  const uses = new Map<string, string[]>();
  const use = (model: string, how: string) => {
    const list = uses.get(model) ?? [];
    if (!list.includes(how)) list.push(how);
    uses.set(model, list);
  };
  for (const e of employees) {
    use(e.defaultModel, `default of ${e.id}`);
    for (const m of e.fallbacks) use(m, `fallback of ${e.id}`);
    for (const m of e.allowedModels) use(m, `allowed for ${e.id}`);
  }
  for (const m of view.models) if (m.source === 'tenant') use(m.id, 'tenant override');

  const byId = new Map(view.models.map((m) => [m.id, m]));
  const findings: ModelInUseFinding[] = [];
  for (const [id, usedBy] of uses) {
    const model = byId.get(id);
    if (!model) {
      findings.push({ model: id, severity: 'unknown', detail: 'not in the catalog', usedBy });
      continue;
    }
    const life = lifecycleState(model.lifecycle, today);
    if (life.state !== 'active')
      findings.push({ model: id, severity: life.state, detail: life.detail, usedBy });
  }
  const rank = { retired: 0, deprecated: 1, unknown: 2 } as const;
  return findings.sort((a, b) => rank[a.severity] - rank[b.severity] || a.model.localeCompare(b.model));
}
