'use client';
import { type FormEvent, useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Field, Input, Select, Textarea } from '@/components/ui/field';
import { ApiError, api } from '@/lib/api';
import type { Employee, ModelsView } from '@/lib/types';

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Edits one profile and saves it with `PUT /v1/employees/{id}`; the API's field messages show beside the fields. */
export function EmployeeEditor({
  employee,
  models,
  onSaved,
  onClose,
}: {
  employee: Employee;
  models: ModelsView;
  onSaved: () => void;
  onClose: () => void;
}) {
  const [p, setP] = useState(employee);
  const [tools, setTools] = useState(employee.tools.join(', '));
  const [fallbacks, setFallbacks] = useState(employee.fallbacks.join(', '));
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const fieldError = (name: string) => error?.fields.find((f) => f.path === name)?.message;
  const toggleModel = (id: string) =>
    setP((x) => ({
      ...x,
      allowedModels: x.allowedModels.includes(id)
        ? x.allowedModels.filter((m) => m !== id)
        : [...x.allowedModels, id],
    }));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const { id, source: _source, ...rest } = p;
    try {
      await api.putEmployee(id, { ...rest, tools: list(tools), fallbacks: list(fallbacks) });
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'Unknown', String(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card>
      <CardTitle
        aside={
          <Button variant="ghost" size="sm" onClick={onClose}>
            Close
          </Button>
        }
      >
        {employee.name ? `Edit ${employee.name}` : `New employee ${employee.id}`}
      </CardTitle>
      <form className="grid gap-3" onSubmit={save} aria-label="Employee profile">
        <Field label="Name" error={fieldError('name')}>
          <Input value={p.name} onChange={(e) => setP({ ...p, name: e.target.value })} name="name" />
        </Field>
        <Field label="Role prompt" error={fieldError('rolePrompt')}>
          <Textarea
            value={p.rolePrompt}
            onChange={(e) => setP({ ...p, rolePrompt: e.target.value })}
            name="rolePrompt"
            className="min-h-32"
          />
        </Field>
        <fieldset className="grid gap-1 text-sm">
          <legend className="font-medium">Allowed models</legend>
          <div className="grid max-h-40 grid-cols-1 gap-1 overflow-auto rounded border p-2 sm:grid-cols-2">
            {models.models.map((m) => (
              <label key={m.id} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  checked={p.allowedModels.includes(m.id)}
                  onChange={() => toggleModel(m.id)}
                />
                <code className="text-xs">{m.id}</code>
                <span className="text-xs text-muted-foreground">
                  ${m.prices.input}/${m.prices.output}
                  {m.live ? '' : ' · off'}
                </span>
              </label>
            ))}
          </div>
          {fieldError('allowedModels') && (
            <span className="text-xs text-destructive">{fieldError('allowedModels')}</span>
          )}
        </fieldset>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field label="Default model" error={fieldError('defaultModel')}>
            <Select
              value={p.defaultModel}
              onChange={(e) => setP({ ...p, defaultModel: e.target.value })}
              name="defaultModel"
            >
              <option value="">choose…</option>
              {p.allowedModels.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </Select>
          </Field>
          <Field label="Fallbacks" hint="comma-separated, in order" error={fieldError('fallbacks')}>
            <Input value={fallbacks} onChange={(e) => setFallbacks(e.target.value)} name="fallbacks" />
          </Field>
          <Field label="Tools" hint="comma-separated, e.g. workspace.read" error={fieldError('tools')}>
            <Input value={tools} onChange={(e) => setTools(e.target.value)} name="tools" />
          </Field>
          <Field label="Budget share (0 to 1)" error={fieldError('budgetShare')}>
            <Input
              type="number"
              step="0.05"
              min="0"
              max="1"
              value={p.budgetShare}
              onChange={(e) => setP({ ...p, budgetShare: Number(e.target.value) })}
              name="budgetShare"
            />
          </Field>
          <Field label="Max iterations" error={fieldError('maxIterations')}>
            <Input
              type="number"
              min="1"
              max="100"
              value={p.maxIterations}
              onChange={(e) => setP({ ...p, maxIterations: Number(e.target.value) })}
            />
          </Field>
          <Field label="Temperature" error={fieldError('temperature')}>
            <Input
              type="number"
              step="0.1"
              min="0"
              max="2"
              value={p.temperature}
              onChange={(e) => setP({ ...p, temperature: Number(e.target.value) })}
            />
          </Field>
        </div>
        {error && (
          <p role="alert" className="text-sm text-destructive">
            {error.message}
          </p>
        )}
        <Button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </Button>
      </form>
    </Card>
  );
}
