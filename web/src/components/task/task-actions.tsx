'use client';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Field, Input, Textarea } from '@/components/ui/field';
import { ApiError, api } from '@/lib/api';
import { usd } from '@/lib/task-view';
import type { Plan, Task, TaskStatus } from '@/lib/types';

interface Props {
  task: Task;
  status: TaskStatus;
  plan: Plan | null;
  approval: { estimateMicroUsd: number; reason: string } | undefined;
  onChanged: () => void;
}

/** What a person can do with the task now: approve (with edits) or reject a plan, cancel, resume with a note. */
export function TaskActions({ task, status, plan, approval, onChanged }: Props) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const active =
    status === 'queued' || status === 'planning' || status === 'running' || status === 'awaiting_approval';
  return (
    <div className="grid gap-2">
      {status === 'awaiting_approval' && plan && (
        <ApprovalEditor
          plan={plan}
          approval={approval}
          busy={busy}
          onApprove={(p, note) => act(() => api.approve(task.id, { plan: p, ...(note ? { note } : {}) }))}
          onReject={(note) => act(() => api.reject(task.id, note))}
        />
      )}
      {status === 'failed' && (
        <ResumeForm
          busy={busy}
          onResume={(note, budgetUsd) =>
            act(() => api.resume(task.id, { ...(note ? { note } : {}), ...(budgetUsd ? { budgetUsd } : {}) }))
          }
          failure={task.failure}
        />
      )}
      {active && (
        <div>
          <Button
            variant="destructive"
            size="sm"
            disabled={busy}
            onClick={() => act(() => api.cancel(task.id))}
          >
            Cancel the task
          </Button>
        </div>
      )}
      {error && (
        <p role="alert" className="text-sm text-destructive">
          {error}
        </p>
      )}
    </div>
  );
}

function ApprovalEditor({
  plan,
  approval,
  busy,
  onApprove,
  onReject,
}: {
  plan: Plan;
  approval: Props['approval'];
  busy: boolean;
  onApprove: (plan: Plan, note: string) => void;
  onReject: (note: string) => void;
}) {
  const [steps, setSteps] = useState(plan.steps);
  const [note, setNote] = useState('');
  const edit = (i: number, field: 'title' | 'instructions', value: string) =>
    setSteps((s) => s.map((step, j) => (j === i ? { ...step, [field]: value } : step)));
  const remove = (i: number) => {
    const gone = steps[i]?.id;
    setSteps((s) =>
      s
        .filter((_, j) => j !== i)
        .map((step) => ({ ...step, dependsOn: step.dependsOn.filter((d) => d !== gone) })),
    );
  };
  return (
    <Card data-testid="approval">
      <CardTitle>The plan waits for your approval</CardTitle>
      {approval && (
        <p className="mb-2 text-sm text-muted-foreground">
          Estimated {usd(approval.estimateMicroUsd)}: {approval.reason}
        </p>
      )}
      <ol className="grid gap-3">
        {steps.map((s, i) => (
          <li key={s.id} className="grid gap-1 rounded border p-2">
            <div className="flex items-center gap-2 text-xs text-muted-foreground">
              <code>{s.id}</code> · {s.employee}
              {s.dependsOn.length > 0 && ` · after ${s.dependsOn.join(', ')}`}
              <Button
                variant="ghost"
                size="sm"
                className="ml-auto"
                onClick={() => remove(i)}
                disabled={steps.length === 1}
                aria-label={`Remove step ${s.id}`}
              >
                Remove
              </Button>
            </div>
            <Field label="Title">
              <Input
                value={s.title}
                onChange={(e) => edit(i, 'title', e.target.value)}
                data-step-title={s.id}
              />
            </Field>
            <Field label="Instructions">
              <Textarea value={s.instructions} onChange={(e) => edit(i, 'instructions', e.target.value)} />
            </Field>
          </li>
        ))}
      </ol>
      <Field label="Note to the team (optional)">
        <Input value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      <div className="mt-3 flex gap-2">
        <Button disabled={busy} onClick={() => onApprove({ ...plan, steps }, note)}>
          Approve{steps !== plan.steps ? ' the edited plan' : ''}
        </Button>
        <Button variant="outline" disabled={busy} onClick={() => onReject(note)}>
          Reject
        </Button>
      </div>
    </Card>
  );
}

function ResumeForm({
  busy,
  onResume,
  failure,
}: {
  busy: boolean;
  onResume: (note: string, budgetUsd: number | undefined) => void;
  failure: Task['failure'];
}) {
  const [note, setNote] = useState('');
  const [budget, setBudget] = useState('');
  return (
    <Card>
      <CardTitle>The task failed</CardTitle>
      {failure && (
        <p className="mb-2 text-sm">
          <strong>{failure.code}</strong>: {failure.message}
        </p>
      )}
      <div className="grid gap-2 sm:grid-cols-[1fr_10rem]">
        <Field label="A note to the team for the resumed run">
          <Input
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="Use the standard library only"
          />
        </Field>
        <Field label="New budget (USD)">
          <Input value={budget} inputMode="decimal" onChange={(e) => setBudget(e.target.value)} />
        </Field>
      </div>
      <Button
        className="mt-2"
        disabled={busy}
        onClick={() => onResume(note.trim(), budget.trim() ? Number(budget) : undefined)}
      >
        Resume from the last completed step
      </Button>
    </Card>
  );
}
