'use client';
import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardTitle } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/field';
import { Empty, Failure, Loading } from '@/components/ui/states';
import { Table, Td, Th } from '@/components/ui/table';
import { api } from '@/lib/api';
import { useDashboard } from '@/lib/dashboard-config';
import type { Employee, ModelsView } from '@/lib/types';
import { useLoad } from '@/lib/use-load';
import { EmployeeEditor } from './employee-editor';

const BLANK: Omit<Employee, 'id' | 'source'> = {
  name: '',
  rolePrompt: '',
  allowedModels: [],
  defaultModel: '',
  fallbacks: [],
  tools: [],
  maxIterations: 8,
  maxTokensPerStep: 4096,
  temperature: 0.2,
  budgetShare: 1,
  mcpServers: [],
};

export function EmployeesPage() {
  const { ready } = useDashboard();
  const employees = useLoad(() => api.employees(), String(ready));
  const models = useLoad(() => api.models(), String(ready));
  const [editing, setEditing] = useState<Employee>();
  const [newId, setNewId] = useState('');

  return (
    <div className="grid gap-4">
      <h1 className="text-xl font-semibold">Employees &amp; models</h1>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card className="min-w-0">
          <CardTitle>The team</CardTitle>
          {employees.loading && !employees.data ? (
            <Loading what="the team" />
          ) : employees.error ? (
            <Failure error={employees.error} retry={employees.reload} />
          ) : (employees.data?.employees ?? []).length === 0 ? (
            <Empty title="No employees" />
          ) : (
            <ul className="grid grid-cols-[minmax(0,1fr)] gap-2" data-testid="roster">
              {employees.data?.employees.map((e) => (
                <li key={e.id} className="flex min-w-0 items-center justify-between gap-2 rounded border p-2">
                  <div className="min-w-0 flex-1">
                    <div className="font-medium">
                      {e.name} <Badge>{e.source}</Badge>
                    </div>
                    <div className="truncate text-xs text-muted-foreground">
                      <code>{e.id}</code> · {e.defaultModel}
                      {e.fallbacks.length ? ` → ${e.fallbacks.join(' → ')}` : ''} ·{' '}
                      {Math.round(e.budgetShare * 100)}% of the budget · {e.tools.length} tools
                    </div>
                  </div>
                  <Button
                    size="sm"
                    variant="outline"
                    onClick={() => setEditing(e)}
                    aria-label={`Edit ${e.name}`}
                  >
                    Edit
                  </Button>
                </li>
              ))}
            </ul>
          )}
          <form
            className="mt-3 flex items-end gap-2"
            onSubmit={(ev) => {
              ev.preventDefault();
              if (newId.trim()) setEditing({ ...BLANK, id: newId.trim(), source: 'tenant' });
            }}
          >
            <Field label="New employee id" hint="lowercase, e.g. docs-writer">
              <Input value={newId} onChange={(e) => setNewId(e.target.value)} name="newEmployeeId" />
            </Field>
            <Button type="submit" variant="outline" disabled={!newId.trim()}>
              Create
            </Button>
          </form>
        </Card>
        {editing && models.data ? (
          <EmployeeEditor
            key={editing.id}
            employee={editing}
            models={models.data}
            onSaved={() => {
              setEditing(undefined);
              setNewId('');
              employees.reload();
            }}
            onClose={() => setEditing(undefined)}
          />
        ) : (
          <Card>
            <p className="text-sm text-muted-foreground">
              Choose an employee to edit its role prompt, tools, models and budget share, or create one.
            </p>
          </Card>
        )}
      </div>
      {models.loading && !models.data ? (
        <Loading what="the models" />
      ) : models.error ? (
        <Failure error={models.error} retry={models.reload} />
      ) : (
        models.data && <ModelCatalog view={models.data} />
      )}
    </div>
  );
}

function ModelCatalog({ view }: { view: ModelsView }) {
  return (
    <Card className="min-w-0">
      <CardTitle
        aside={<span className="text-xs text-muted-foreground">catalog {view.catalog.version}</span>}
      >
        Models
      </CardTitle>
      <h3 className="mb-1 text-sm font-medium">Providers</h3>
      <ul className="mb-3 grid gap-1 text-sm" data-testid="providers">
        {view.providers.map((p) => (
          <li key={p.name}>
            <Badge tone={p.live ? 'good' : 'neutral'}>{p.live ? 'live' : 'off'}</Badge>{' '}
            <strong>{p.name}</strong>
            {p.name === 'demo' && ' (scripted demo model)'}:{' '}
            <span className="text-muted-foreground">{p.detail}</span>
          </li>
        ))}
      </ul>
      <Table data-testid="model-catalog">
        <thead>
          <tr>
            <Th>Model</Th>
            <Th>Provider</Th>
            <Th className="text-right">Input $/M</Th>
            <Th className="text-right">Output $/M</Th>
            <Th className="text-right">Cached $/M</Th>
            <Th className="text-right">Context</Th>
            <Th>Source</Th>
          </tr>
        </thead>
        <tbody>
          {view.models.map((m) => (
            <tr key={m.id} className={m.live ? '' : 'text-muted-foreground'}>
              <Td>
                <code>{m.id}</code> {m.provider === 'demo' && <Badge tone="wait">demo</Badge>}
              </Td>
              <Td>
                {m.provider} {m.live && <Badge tone="good">live</Badge>}
              </Td>
              <Td className="text-right tabular-nums">{m.prices.input}</Td>
              <Td className="text-right tabular-nums">{m.prices.output}</Td>
              <Td className="text-right tabular-nums">{m.prices.cachedInput}</Td>
              <Td className="text-right tabular-nums">{m.contextWindow.toLocaleString()}</Td>
              <Td>{m.source === 'tenant' ? <Badge tone="busy">tenant override</Badge> : m.source}</Td>
            </tr>
          ))}
        </tbody>
      </Table>
    </Card>
  );
}
