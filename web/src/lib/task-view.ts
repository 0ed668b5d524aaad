import type { Plan, StepStatus, TaskDetail, TaskEvent, TaskStatus } from './types';

/** One line of the team conversation as the dashboard draws it. */
export type ConversationItem =
  | {
      kind: 'message';
      id: string;
      at: string;
      employee: string;
      stepId?: string;
      text: string;
      model: string;
    }
  | {
      kind: 'tool';
      id: string;
      at: string;
      employee: string;
      stepId?: string;
      tool: string;
      arguments: Record<string, unknown>;
      result?: { ok: boolean; output: string };
    }
  | {
      kind: 'sandbox';
      id: string;
      at: string;
      employee: string;
      stepId?: string;
      command: string;
      exitCode: number;
      durationMs: number;
      tests?: { passed: number; failed: number; errors: number };
      limit?: string;
    }
  | {
      kind: 'verdict';
      id: string;
      at: string;
      employee: string;
      stepId: string;
      round: number;
      passed: boolean;
      findings: string;
    }
  | { kind: 'handoff'; id: string; at: string; stepId: string; from: string; to: string; note: string }
  | { kind: 'note'; id: string; at: string; text: string; tone: 'info' | 'error' | 'approval' };

export interface CostLine {
  key: string;
  costMicroUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface TaskView {
  status: TaskStatus | undefined;
  plan: Plan | null;
  stepStates: Record<string, StepStatus>;
  conversation: ConversationItem[];
  costByEmployee: CostLine[];
  costByModel: CostLine[];
  totalMicroUsd: number;
  /** Which providers thought for this task (the demo one is labelled in the UI). */
  providers: string[];
  approval?: { estimateMicroUsd: number; reason: string };
  lastEventId: string | undefined;
}

/**
 * What a person reads for a sandbox limit. The names are the job's limit fields
 * (shared/sandbox/job.ts limitLabel); events written before that carry the old names.
 */
const LIMIT_LABELS: Record<string, string> = {
  wallMs: 'wall-clock time',
  wallTime: 'wall-clock time',
  cpuSeconds: 'CPU time',
  cpuTime: 'CPU time',
  memoryBytes: 'memory',
  memory: 'memory',
  processes: 'process count',
  stdoutBytes: 'output (stdout)',
  stdout: 'output (stdout)',
  stderrBytes: 'error output (stderr)',
  stderr: 'error output (stderr)',
  fileBytes: 'file size',
  fileSize: 'file size',
  writtenBytes: 'disk written',
};
export const limitLabel = (name: string): string => LIMIT_LABELS[name] ?? name;

/** The view before any event: the task as `GET /v1/tasks/{id}` answered. */
export function initialView(detail: TaskDetail): TaskView {
  const stepStates: Record<string, StepStatus> = {};
  for (const s of detail.plan?.steps ?? []) stepStates[s.id] = 'pending';
  for (const r of detail.steps) stepStates[r.stepId] = r.status;
  return {
    status: detail.task.status,
    plan: detail.plan,
    stepStates,
    conversation: [],
    costByEmployee: [],
    costByModel: [],
    totalMicroUsd: 0,
    providers: [],
    lastEventId: undefined,
  };
}

function addCost(
  lines: CostLine[],
  key: string,
  e: { costMicroUsd: number; inputTokens: number; outputTokens: number },
) {
  const line = lines.find((l) => l.key === key);
  if (line) {
    line.costMicroUsd += e.costMicroUsd;
    line.inputTokens += e.inputTokens;
    line.outputTokens += e.outputTokens;
  } else
    lines.push({
      key,
      costMicroUsd: e.costMicroUsd,
      inputTokens: e.inputTokens,
      outputTokens: e.outputTokens,
    });
}

/**
 * Folds events into the view, in order. Pure (returns a new view), so React sees each change and the
 * same log always draws the same page, live or replayed.
 */
export function applyEvents(view: TaskView, events: TaskEvent[]): TaskView {
  const next: TaskView = {
    ...view,
    stepStates: { ...view.stepStates },
    conversation: [...view.conversation],
    costByEmployee: view.costByEmployee.map((l) => ({ ...l })),
    costByModel: view.costByModel.map((l) => ({ ...l })),
    providers: [...view.providers],
  };
  const say = (item: ConversationItem) => next.conversation.push(item);
  for (const e of events) {
    if (next.lastEventId !== undefined && e.id <= next.lastEventId) continue;
    next.lastEventId = e.id;
    switch (e.type) {
      case 'status_changed':
        next.status = e.to;
        if (e.to !== 'awaiting_approval') delete next.approval;
        break;
      case 'plan_made':
        next.plan = e.plan;
        for (const s of e.plan.steps) next.stepStates[s.id] ??= 'pending';
        if (!next.providers.includes(e.provider)) next.providers.push(e.provider);
        break;
      case 'replanned':
        if (next.plan) next.plan = { ...next.plan, steps: [...next.plan.steps, ...e.steps], revision: 2 };
        for (const s of e.steps) next.stepStates[s.id] = 'pending';
        say({ kind: 'note', id: e.id, at: e.at, text: `Re-planned: ${e.reason}`, tone: 'info' });
        break;
      case 'step_started':
        next.stepStates[e.stepId] = 'running';
        break;
      case 'step_finished':
        next.stepStates[e.stepId] = e.outcome;
        break;
      case 'message':
        if (!next.providers.includes(e.provider)) next.providers.push(e.provider);
        say({
          kind: 'message',
          id: e.id,
          at: e.at,
          employee: e.employee,
          ...(e.stepId ? { stepId: e.stepId } : {}),
          text: e.text,
          model: `${e.provider}/${e.model}`,
        });
        break;
      case 'usage':
        next.totalMicroUsd += e.costMicroUsd;
        addCost(next.costByEmployee, e.employee, e);
        addCost(next.costByModel, `${e.provider}/${e.model}`, e);
        break;
      case 'tool_call':
        say({
          kind: 'tool',
          id: e.callId,
          at: e.at,
          employee: e.employee,
          ...(e.stepId ? { stepId: e.stepId } : {}),
          tool: e.tool,
          arguments: e.arguments,
        });
        break;
      case 'tool_result': {
        const i = next.conversation.findLastIndex((c) => c.kind === 'tool' && c.id === e.callId);
        const call = next.conversation[i];
        if (call?.kind === 'tool') next.conversation[i] = { ...call, result: { ok: e.ok, output: e.output } };
        break;
      }
      case 'tool_refused':
        say({
          kind: 'note',
          id: e.id,
          at: e.at,
          text: `${e.employee} may not use ${e.tool}: ${e.reason}`,
          tone: 'error',
        });
        break;
      case 'sandbox_run':
        say({
          kind: 'sandbox',
          id: e.id,
          at: e.at,
          employee: e.employee,
          ...(e.stepId ? { stepId: e.stepId } : {}),
          command: e.command,
          exitCode: e.exitCode,
          durationMs: e.durationMs,
          ...(e.tests ? { tests: e.tests } : {}),
          ...(e.limit ? { limit: e.limit } : {}),
        });
        break;
      case 'verdict':
        say({
          kind: 'verdict',
          id: e.id,
          at: e.at,
          employee: e.employee,
          stepId: e.stepId,
          round: e.round,
          passed: e.passed,
          findings: e.findings,
        });
        break;
      case 'handoff':
        say({ kind: 'handoff', id: e.id, at: e.at, stepId: e.stepId, from: e.from, to: e.to, note: e.note });
        break;
      case 'approval_requested':
        next.approval = { estimateMicroUsd: e.estimateMicroUsd, reason: e.reason };
        say({
          kind: 'note',
          id: e.id,
          at: e.at,
          text: `Waiting for approval: ${e.reason}`,
          tone: 'approval',
        });
        break;
      case 'approval_decided':
        delete next.approval;
        say({
          kind: 'note',
          id: e.id,
          at: e.at,
          text: `Plan ${e.decision}${e.edited ? ' (edited)' : ''}${e.note ? `: ${e.note}` : ''}`,
          tone: 'approval',
        });
        break;
      case 'note_added':
        say({ kind: 'note', id: e.id, at: e.at, text: `Note to the team: ${e.text}`, tone: 'info' });
        break;
      case 'error':
        say({ kind: 'note', id: e.id, at: e.at, text: `${e.code}: ${e.message}`, tone: 'error' });
        break;
      case 'task_finished':
        next.status = e.status;
        if (e.status === 'cancelled' || e.status === 'failed') {
          for (const [id, s] of Object.entries(next.stepStates))
            if (s === 'running') next.stepStates[id] = 'failed';
        }
        say({
          kind: 'note',
          id: e.id,
          at: e.at,
          text: `Task ${e.status}${e.summary ? `: ${e.summary}` : ''}`,
          tone: e.status === 'succeeded' ? 'info' : 'error',
        });
        break;
      default:
        break;
    }
  }
  next.costByEmployee.sort((a, b) => b.costMicroUsd - a.costMicroUsd);
  next.costByModel.sort((a, b) => b.costMicroUsd - a.costMicroUsd);
  return next;
}

/** Micro-USD as dollars: four decimals below a cent, else two. */
export function usd(micro: number): string {
  const dollars = micro / 1_000_000;
  return dollars !== 0 && Math.abs(dollars) < 0.01 ? `$${dollars.toFixed(4)}` : `$${dollars.toFixed(2)}`;
}
