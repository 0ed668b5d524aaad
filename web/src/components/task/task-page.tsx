'use client';
import dynamic from 'next/dynamic';
import { useEffect, useRef, useState } from 'react';
import { LiveModeBadge, StatusBadge } from '@/components/shell/app-shell';
import { Badge } from '@/components/ui/badge';
import { Card, CardTitle } from '@/components/ui/card';
import { Failure, Loading } from '@/components/ui/states';
import { api } from '@/lib/api';
import { currentCredential } from '@/lib/credential';
import { useDashboard } from '@/lib/dashboard-config';
import { followTask, type LiveMode } from '@/lib/live';
import { applyEvents, initialView, type TaskView } from '@/lib/task-view';
import type { TaskDelta, TaskDetail } from '@/lib/types';
import { useLoad } from '@/lib/use-load';
import { Conversation } from './conversation';
import { CostPanel } from './cost-panel';
import { FilesPanel } from './files-panel';
import { TaskActions } from './task-actions';

// The graph library is the heaviest part of this page: it loads after the rest has drawn.
const PlanGraph = dynamic(() => import('./plan-graph').then((m) => m.PlanGraph), {
  ssr: false,
  loading: () => <div className="h-72 animate-pulse rounded bg-muted" />,
});

export function TaskPage({ id }: { id: string }) {
  const { ready, liveUrl } = useDashboard();
  const detail = useLoad(() => api.getTask(id), `${id}:${ready}`);
  const [view, setView] = useState<TaskView>();
  const [mode, setMode] = useState<LiveMode>('connecting');
  const [streaming, setStreaming] = useState<Pick<TaskDelta, 'employee' | 'text'>>();
  const [filesRound, setFilesRound] = useState(0);
  const loaded = detail.data;
  // The view starts from the first answer and then follows the event log alone: a reload after an
  // action (approve, cancel) refreshes the task's details but must not restart the log, which
  // would replay the run and show, for a moment, statuses it has left.
  const firstLoad = useRef<TaskDetail | undefined>(undefined);
  if (loaded && firstLoad.current?.task.id !== loaded.task.id) firstLoad.current = loaded;
  const loadedId = loaded?.task.id;

  useEffect(() => {
    const start = firstLoad.current;
    if (!ready || !start || loadedId !== id) return;
    setView(initialView(start));
    return followTask(
      id,
      undefined,
      { events: api.events },
      {
        onEvents: (events) => {
          setView((v) => (v ? applyEvents(v, events) : v));
          if (events.some((e) => e.type === 'message')) setStreaming(undefined);
          if (events.some((e) => e.type === 'tool_result' || e.type === 'task_finished'))
            setFilesRound((r) => r + 1);
        },
        onDelta: (d) =>
          setStreaming((s) =>
            s && s.employee === d.employee
              ? { employee: d.employee, text: s.text + d.text }
              : { employee: d.employee, text: d.text },
          ),
        onMode: setMode,
      },
      { liveUrl, credential: currentCredential },
    );
  }, [id, ready, liveUrl, loadedId]);

  if (detail.error) return <Failure error={detail.error} retry={detail.reload} />;
  if (!loaded || !view) return <Loading what="the task" />;
  const task = loaded.task;
  const demo = view.providers.includes('demo');

  return (
    <div className="grid gap-4">
      <header className="flex flex-wrap items-center gap-2">
        <h1 className="mr-2 text-xl font-semibold">{task.title}</h1>
        <span data-testid="task-status" data-status={view.status}>
          <StatusBadge status={view.status ?? task.status} />
        </span>
        <LiveModeBadge mode={mode} />
        {demo && (
          <Badge tone="wait" title="A scripted, deterministic model: it plays only the built-in samples">
            demo model
          </Badge>
        )}
        <span className="font-mono text-xs text-muted-foreground">{task.id}</span>
      </header>
      <p className="text-sm whitespace-pre-wrap text-muted-foreground">{task.prompt}</p>
      <TaskActions
        task={task}
        status={view.status ?? task.status}
        plan={view.plan}
        approval={view.approval}
        onChanged={detail.reload}
      />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Card className="min-w-0">
          <CardTitle aside={<span className="text-xs text-muted-foreground">{view.plan?.summary}</span>}>
            Plan
          </CardTitle>
          {view.plan ? (
            <PlanGraph plan={view.plan} states={view.stepStates} />
          ) : (
            <p className="text-sm text-muted-foreground">The Super Agent is planning…</p>
          )}
        </Card>
        <CostPanel view={view} budgetMicroUsd={task.budgetMicroUsd} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Conversation items={view.conversation} streaming={streaming} />
        <FilesPanel taskId={id} round={filesRound} />
      </div>
    </div>
  );
}
