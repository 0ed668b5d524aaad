'use client';
import { Select } from '@/components/ui/field';
import type { TaskTeam } from '@/lib/api';
import type { Employee, ModelRow } from '@/lib/types';

/** The Super Agent plans every task: it is always on the team. */
const SUPER_AGENT = 'super-agent';

/** What the form holds: who is on the team, and each one's chosen model ('' is its own order). */
export interface TeamPick {
  off: string[];
  models: Record<string, string>;
}

export const ALL_ON: TeamPick = { off: [], models: {} };

/** The team to send, or undefined when the whole roster works with its own models (the default). */
export function chosenTeam(pick: TeamPick, roster: readonly Employee[]): TaskTeam | undefined {
  const employees = roster.map((e) => e.id).filter((id) => id !== SUPER_AGENT && !pick.off.includes(id));
  const models = Object.fromEntries(
    Object.entries(pick.models).filter(([id, m]) => m && (id === SUPER_AGENT || employees.includes(id))),
  );
  if (!pick.off.length && !Object.keys(models).length) return undefined;
  return { employees, ...(Object.keys(models).length ? { models } : {}) };
}

/** A model as the select lists it: its price per million tokens and whether its provider is live. */
function optionLabel(m: ModelRow): string {
  const state =
    m.provider === 'demo' ? 'demo model' : m.unavailable ? 'unavailable' : m.live ? 'live' : 'off';
  return `${m.id} — $${m.prices.input} in / $${m.prices.output} out per M tokens · ${state}`;
}

/**
 * The team a new task goes to: a checkbox per employee (all on by default; the Super Agent always
 * plans) and, per employee on the team, a select of the models it may use. A model whose provider
 * is not live cannot be chosen: the API would refuse it.
 */
export function TeamPicker({
  roster,
  models,
  pick,
  onChange,
  errors,
  disabled,
}: {
  roster: readonly Employee[];
  models: readonly ModelRow[];
  pick: TeamPick;
  onChange: (pick: TeamPick) => void;
  /** The API's field errors; those under `team` are shown here. */
  errors: readonly { path: string; message: string }[];
  disabled?: boolean;
}) {
  const toggle = (id: string, on: boolean) =>
    onChange({ ...pick, off: on ? pick.off.filter((o) => o !== id) : [...pick.off, id] });
  const choose = (id: string, model: string) =>
    onChange({ ...pick, models: { ...pick.models, [id]: model } });
  const errorOf = (path: string) => errors.find((f) => f.path === path)?.message;
  const teamError = errors.find((f) => f.path === 'team' || f.path.startsWith('team.employees'))?.message;
  return (
    <fieldset className="grid gap-2 rounded-md border p-3" aria-describedby="team-hint">
      <legend className="px-1 text-sm font-medium">The team</legend>
      <p id="team-hint" className="text-xs text-muted-foreground">
        Who may work on this task, and the model each tries first (its fallbacks follow).
      </p>
      <ul className="grid gap-2">
        {roster.map((e) => {
          const always = e.id === SUPER_AGENT;
          const on = always || !pick.off.includes(e.id);
          const options = e.allowedModels.flatMap((id) => models.filter((m) => m.id === id));
          const error = errorOf(`team.models.${e.id}`);
          return (
            <li key={e.id} className="grid gap-1 sm:grid-cols-[minmax(8rem,1fr)_2fr] sm:items-center">
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  name="team"
                  value={e.id}
                  checked={on}
                  disabled={always || disabled}
                  onChange={(ev) => toggle(e.id, ev.target.checked)}
                />
                <span>
                  {e.name}
                  {always && <span className="text-xs text-muted-foreground"> (always plans)</span>}
                </span>
              </label>
              {on && (
                // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child.
                <label className="grid gap-0.5 text-sm">
                  <span className="sr-only">Model for {e.name}</span>
                  <Select
                    name={`model-${e.id}`}
                    value={pick.models[e.id] ?? ''}
                    disabled={disabled}
                    onChange={(ev) => choose(e.id, ev.target.value)}
                  >
                    <option value="">Its own order ({e.defaultModel} first)</option>
                    {options.map((m) => (
                      <option key={m.id} value={m.id} disabled={!m.live || !!m.unavailable}>
                        {optionLabel(m)}
                      </option>
                    ))}
                  </Select>
                  {error && (
                    <span role="alert" className="text-xs text-destructive">
                      {error}
                    </span>
                  )}
                </label>
              )}
            </li>
          );
        })}
      </ul>
      {teamError && (
        <p role="alert" className="text-xs text-destructive">
          {teamError}
        </p>
      )}
    </fieldset>
  );
}
