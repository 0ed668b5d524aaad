import type { EmployeeProfile, TaskPreference } from '../../domain';
import type { Catalog, CatalogModel } from '../catalog/catalog';
import { worstCaseMicroUsd } from '../catalog/cost';
import { ModelNotAllowed, UnknownModel } from '../errors';

/** A model the router may try, or why it may not. */
export type Candidate = { model: CatalogModel } | { id: string; unknown: true };

/**
 * The order in which to try an employee's models for one call. Only the
 * employee's allowed models ever appear. `balanced` follows the profile:
 * default, then fallbacks in order, then any other allowed model. `quality`
 * puts the best-rated first and `cheap` the lowest worst-case cost for this
 * call; both keep the profile's order among equals. `preferred` (a task's choice for the
 * employee) goes first when it is allowed, the rest in that order after it.
 */
export function rankModels(
  profile: Pick<EmployeeProfile, 'id' | 'allowedModels' | 'defaultModel' | 'fallbacks'>,
  preference: TaskPreference,
  catalog: Catalog,
  call: { promptTokens: number; maxOutputTokens: number; pinned?: string; preferred?: string },
): Candidate[] {
  const allowed = new Set(profile.allowedModels);
  if (call.pinned !== undefined) {
    if (!allowed.has(call.pinned)) {
      throw new ModelNotAllowed(call.pinned, profile.id, profile.allowedModels);
    }
    const model = catalog.get(call.pinned);
    if (!model) throw new UnknownModel(call.pinned, profile.id, profile.allowedModels);
    return [{ model }];
  }
  const ordered = [...new Set([profile.defaultModel, ...profile.fallbacks, ...profile.allowedModels])].filter(
    (id) => allowed.has(id),
  );
  const candidates: Candidate[] = ordered.map((id) => {
    const model = catalog.get(id);
    return model ? { model } : { id, unknown: true };
  });
  const ranked = preference === 'balanced' ? candidates : byPreference(candidates, preference, call);
  const first = ranked.findIndex((c) => ('model' in c ? c.model.id : c.id) === call.preferred);
  return first <= 0 ? ranked : [ranked[first]!, ...ranked.filter((_, i) => i !== first)];
}

function byPreference(
  candidates: Candidate[],
  preference: Exclude<TaskPreference, 'balanced'>,
  call: { promptTokens: number; maxOutputTokens: number },
): Candidate[] {
  const score = (c: Candidate): number => {
    if (!('model' in c)) return Number.POSITIVE_INFINITY;
    return preference === 'quality'
      ? -c.model.quality
      : worstCaseMicroUsd(
          call.promptTokens,
          Math.min(call.maxOutputTokens, c.model.maxOutputTokens),
          c.model.prices,
        );
  };
  // Array.prototype.sort is stable, so equals keep the profile's order.
  return candidates
    .map((c) => ({ c, s: score(c) }))
    .sort((a, b) => a.s - b.s)
    .map(({ c }) => c);
}
