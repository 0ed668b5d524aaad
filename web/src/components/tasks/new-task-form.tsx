'use client';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Field, Input, Select, Textarea } from '@/components/ui/field';
import { ApiError, api, type NewTask } from '@/lib/api';
import { useLoad } from '@/lib/use-load';
import { ALL_ON, chosenTeam, type TeamPick, TeamPicker } from './team-picker';

/** The new-task form: prompt, preference, budget, approval, the team and each one's model; the samples one click away. */
export function NewTaskForm() {
  const router = useRouter();
  const samples = useLoad(() => api.samples());
  const team = useLoad(() => Promise.all([api.employees(), api.models()]));
  const [prompt, setPrompt] = useState('');
  const [preference, setPreference] = useState<NewTask['preference']>('balanced');
  const [budget, setBudget] = useState('');
  const [approval, setApproval] = useState(false);
  const [pick, setPick] = useState<TeamPick>(ALL_ON);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();

  const submit = async (text: string, e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (budget.trim() && !Number.isFinite(Number(budget))) {
        throw new ApiError(400, 'InvalidInput', 'Check the budget', [
          { path: 'budgetUsd', message: 'must be an amount in dollars, such as 2' },
        ]);
      }
      const chosen = chosenTeam(pick, team.data?.[0].employees ?? []);
      const { task } = await api.createTask({
        prompt: text,
        preference,
        requireApproval: approval,
        ...(budget.trim() ? { budgetUsd: Number(budget) } : {}),
        ...(chosen ? { team: chosen } : {}),
      });
      router.push(`/task/?id=${task.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Unknown', String(err)));
      setBusy(false);
    }
  };
  const fieldError = (name: string) => error?.fields.find((f) => f.path === name)?.message;

  return (
    <Card>
      <CardTitle>New task</CardTitle>
      <form className="grid gap-3" onSubmit={(e) => submit(prompt, e)} aria-label="New task">
        <Field label="What should the team build?" error={fieldError('prompt')}>
          <Textarea
            name="prompt"
            value={prompt}
            onChange={(e) => setPrompt(e.target.value)}
            placeholder="Write a slugify function with tests"
            required
          />
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Preference" error={fieldError('preference')}>
            <Select
              name="preference"
              value={preference}
              onChange={(e) => setPreference(e.target.value as NewTask['preference'])}
            >
              <option value="quality">quality</option>
              <option value="balanced">balanced</option>
              <option value="cheap">cheap</option>
            </Select>
          </Field>
          <Field label="Budget (USD)" error={fieldError('budgetUsd')} hint="Empty: no task cap">
            <Input
              name="budgetUsd"
              inputMode="decimal"
              value={budget}
              onChange={(e) => setBudget(e.target.value)}
              placeholder="2.00"
            />
          </Field>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="requireApproval"
            checked={approval}
            onChange={(e) => setApproval(e.target.checked)}
          />
          Ask me to approve the plan first
        </label>
        {team.data ? (
          <TeamPicker
            roster={team.data[0].employees}
            models={team.data[1].models}
            pick={pick}
            onChange={setPick}
            errors={error?.fields ?? []}
            disabled={busy}
          />
        ) : (
          <p className="text-sm text-muted-foreground">
            {team.error ? 'The team did not load: the task goes to the whole team.' : 'Loading the team…'}
          </p>
        )}
        {error && !error.fields.length && (
          <p role="alert" className="text-sm text-destructive">
            {error.message}
          </p>
        )}
        <Button type="submit" disabled={busy || !prompt.trim()}>
          {busy ? 'Submitting…' : 'Start the task'}
        </Button>
      </form>
      <div className="mt-4">
        <h3 className="mb-1 text-sm font-medium">Samples</h3>
        {samples.error ? (
          <p className="text-sm text-muted-foreground">The samples did not load.</p>
        ) : (
          <ul className="grid gap-1">
            {(samples.data?.samples ?? []).map((s) => (
              <li key={s.id}>
                <Button
                  variant="outline"
                  size="sm"
                  className="h-auto w-full justify-start py-1.5 text-left whitespace-normal"
                  disabled={busy}
                  onClick={() => submit(s.prompt)}
                  data-sample={s.id}
                >
                  {s.prompt} <Badge>{s.runtime}</Badge>
                </Button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
