'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { LiveModeBadge, StatusBadge } from '@/components/shell/app-shell';
import { Select } from '@/components/ui/field';
import { Empty, Failure, Loading } from '@/components/ui/states';
import { Table, Td, Th } from '@/components/ui/table';
import { api } from '@/lib/api';
import { currentCredential } from '@/lib/credential';
import { useDashboard } from '@/lib/dashboard-config';
import { followTaskList, type LiveMode } from '@/lib/live';
import { usd } from '@/lib/task-view';
import { TASK_STATUSES, type Task } from '@/lib/types';
import { useLoad } from '@/lib/use-load';
import { NewTaskForm } from './new-task-form';

function age(iso: string, now: number): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.round(s / 60)}m`;
  if (s < 86400) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

export function TasksPage() {
  const { ready, liveUrl } = useDashboard();
  const tasks = useLoad(() => api.listTasks(), String(ready));
  const [filter, setFilter] = useState('all');
  const [mode, setMode] = useState<LiveMode>('connecting');
  const [now, setNow] = useState(() => Date.now());
  const { set, data, reload } = tasks;

  useEffect(() => {
    if (!ready) return;
    return followTaskList(
      {
        onTask: (task) =>
          set((prev) => ({
            tasks: [task, ...(prev?.tasks ?? []).filter((t) => t.id !== task.id)].sort((a, b) =>
              a.id < b.id ? 1 : -1,
            ),
          })),
        onRefresh: reload,
        onMode: setMode,
      },
      { liveUrl, credential: currentCredential },
    );
  }, [ready, liveUrl, set, reload]);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(t);
  }, []);

  const shown = (data?.tasks ?? []).filter((t) => filter === 'all' || t.status === filter);
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
      <section aria-labelledby="tasks-title" className="min-w-0">
        <div className="mb-3 flex flex-wrap items-center gap-3">
          <h1 id="tasks-title" className="text-xl font-semibold">
            Tasks
          </h1>
          <LiveModeBadge mode={mode} />
          <label htmlFor="status-filter" className="ml-auto flex items-center gap-2 text-sm">
            Status
            <Select
              id="status-filter"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              className="w-44"
              aria-label="Filter by status"
            >
              <option value="all">all</option>
              {TASK_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.replace('_', ' ')}
                </option>
              ))}
            </Select>
          </label>
        </div>
        {tasks.loading && !data ? (
          <Loading what="tasks" />
        ) : tasks.error && !data ? (
          <Failure error={tasks.error} retry={reload} />
        ) : shown.length === 0 ? (
          <Empty title={filter === 'all' ? 'No tasks yet' : `No ${filter.replace('_', ' ')} tasks`}>
            {filter === 'all'
              ? 'Describe one in the form, or start a sample with one click.'
              : 'Choose another status.'}
          </Empty>
        ) : (
          <TaskTable tasks={shown} now={now} />
        )}
      </section>
      <aside aria-label="New task">
        <NewTaskForm />
      </aside>
    </div>
  );
}

function TaskTable({ tasks, now }: { tasks: Task[]; now: number }) {
  return (
    <Table data-testid="task-table">
      <thead>
        <tr>
          <Th>Task</Th>
          <Th>Status</Th>
          <Th>Steps</Th>
          <Th className="text-right">Cost</Th>
          <Th className="text-right">Age</Th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((t) => (
          <tr key={t.id} data-task-id={t.id}>
            <Td className="max-w-72">
              <Link href={`/task/?id=${t.id}`} className="font-medium underline-offset-2 hover:underline">
                {t.title}
              </Link>
              <div className="truncate font-mono text-xs text-muted-foreground">{t.id}</div>
            </Td>
            <Td>
              <StatusBadge status={t.status} />
            </Td>
            <Td>
              {t.stepsDone}/{t.stepCount}
            </Td>
            <Td className="text-right tabular-nums">{usd(t.totals.costMicroUsd)}</Td>
            <Td className="text-right tabular-nums" title={t.createdAt}>
              {age(t.createdAt, now)}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
