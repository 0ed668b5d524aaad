import type { TaskEvent } from '@techteam/shared/domain';
import { formatMicroUsdFixed } from '@techteam/shared/money';
import { limitLabel } from '@techteam/shared/sandbox';
import { printable } from './terminal-text';

/** Micro-USD as dollars, with enough digits to show a fraction of a cent. */
export function formatUsd(micro: number): string {
  return formatMicroUsdFixed(micro, micro > 0 && micro < 10_000 ? 6 : 4);
}

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function summariseArgs(args: Record<string, unknown>): string {
  return Object.entries(args)
    .map(
      ([k, v]) =>
        `${k}: ${typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v) : JSON.stringify(v)}`,
    )
    .join(', ');
}

/** One event as a person reads it in a terminal; what models and tools wrote cannot drive the terminal. */
export function formatEvent(e: TaskEvent): string {
  return printable([describeEvent(e), ...payloadLines(e)].join('\n'));
}

/** Where the whole text of a field too large for the event is (a task file the files API serves). */
function payloadLines(e: TaskEvent): string[] {
  return (e.payloads ?? []).map((p) =>
    p.file
      ? `    ↳ ${p.field} (${p.bytes} bytes) in full: GET /v1/tasks/${e.taskId}/files/${p.file}`
      : `    ↳ ${p.field} (${p.bytes} bytes) was cut to a preview; the rest was not kept`,
  );
}

function describeEvent(e: TaskEvent): string {
  switch (e.type) {
    case 'task_created': {
      const models = Object.entries(e.team?.models ?? {}).map(([who, m]) => `${who} on ${m}`);
      const team = e.team
        ? `  (team: ${e.team.employees.join(', ')}${models.length ? `; ${models.join(', ')}` : ''})`
        : '';
      return `● task created: ${e.title}${team}`;
    }
    case 'status_changed':
      return `● ${e.from} → ${e.to}${e.reason ? ` (${e.reason})` : ''}`;
    case 'plan_made': {
      const steps = e.plan.steps.map(
        (s, i) =>
          `    ${i + 1}. [${s.employee}] ${s.title}${s.dependsOn.length ? `  (after ${s.dependsOn.join(', ')})` : ''}`,
      );
      const label = e.provider === 'demo' ? ' — demo model' : '';
      return [
        `● plan by super-agent (${e.provider}/${e.model}${label}): ${e.plan.steps.length} steps`,
        ...steps,
      ].join('\n');
    }
    case 'step_started':
      return `▶ step ${e.index + 1}/${e.total} [${e.employee}] ${e.title}`;
    case 'message':
      return `  ${e.employee} (${e.provider}/${e.model}${e.provider === 'demo' ? ' — demo' : ''}):\n${indent(e.text)}`;
    case 'usage':
      return `  · ${e.employee} used ${e.inputTokens} in / ${e.outputTokens} out tokens on ${e.provider}/${e.model}, ${formatUsd(e.costMicroUsd)}`;
    case 'budget_overrun':
      return `  ! ${e.employee}'s call on ${e.provider}/${e.model} cost ${formatUsd(e.costMicroUsd)}, ${formatUsd(e.overrunMicroUsd)} over the ${formatUsd(e.reservedMicroUsd)} reserved`;
    case 'step_finished':
      return `${e.outcome === 'succeeded' ? '✓' : '✗'} step ${e.stepId} ${e.outcome}`;
    case 'task_finished':
      return `■ task ${e.status}${e.summary ? `\n${indent(e.summary)}` : ''}`;
    case 'error':
      return `✗ ${e.code}: ${e.message}`;
    case 'plan_invalid':
      return `✗ plan attempt ${e.attempt} is invalid: ${e.problems.join('; ')}`;
    case 'plan_repaired':
      return `● plan repaired: ${e.repairs.join('; ')}`;
    case 'replanned':
      return [
        `● re-planned after ${e.failedStepId ? `step ${e.failedStepId}` : 'a failure'} (${e.failure.code}): ${e.reason}`,
        ...e.steps.map((s, i) => `    +${i + 1}. [${s.employee}] ${s.title}`),
      ].join('\n');
    case 'replan_declined':
      return `✗ no re-plan after ${e.failedStepId ? `step ${e.failedStepId}` : 'the failure'} (${e.failure.code}): ${e.reason}`;
    case 'approval_requested':
      return `⏸ the plan awaits approval (${e.reason}; estimate ${formatUsd(e.estimateMicroUsd)}): techteam approve <id> | techteam reject <id>`;
    case 'approval_decided':
      return `● plan ${e.decision}${e.edited ? ' (edited)' : ''}${e.note ? `: ${e.note}` : ''}`;
    case 'tool_call':
      return e.invalid
        ? `  ⚠ ${e.employee} sent ${e.tool} a call that was not run: ${e.invalid}`
        : `  → ${e.employee} calls ${e.tool}(${summariseArgs(e.arguments)})`;
    case 'tool_result':
      return `  ${e.ok ? '←' : '⚠'} ${e.tool}: ${firstLine(e.output)}`;
    case 'tool_refused':
      return `  ⛔ ${e.employee} may not use ${e.tool}: ${e.reason}`;
    case 'sandbox_run':
      return `  ▣ sandbox (${e.isolation}) ${e.command}: exit ${e.exitCode}${e.tests ? `, ${e.tests.passed} passed, ${e.tests.failed} failed, ${e.tests.errors} errors` : ''}${e.limit ? `, stopped by the ${limitLabel(e.limit)} limit` : ''} in ${Math.round(e.durationMs)} ms`;
    case 'verdict':
      return `${e.passed ? '✓' : '✗'} QA round ${e.round} ${e.passed ? 'accepts' : 'rejects'}: ${e.findings}`;
    case 'handoff':
      return `  ⇢ ${e.from} hands ${e.stepId} to ${e.to}: ${firstLine(e.note)}`;
    case 'context_condensed':
      return `  ≡ ${e.employee}'s older turns condensed (${e.messages} messages, ~${e.tokensBefore} → ~${e.tokensAfter} tokens)`;
    case 'employee_stuck':
      return `  ⚠ ${e.employee} gave up: ${e.reason}`;
    case 'note_added':
      return `✎ note to the team: ${e.text}`;
  }
}

export interface Progress {
  status: string;
  step: number;
  totalSteps: number;
  elapsedMs: number;
  tokens: number;
  costMicroUsd: number;
}

/** Folds one event into the progress a `run` shows. */
export function advance(p: Progress, e: TaskEvent): Progress {
  switch (e.type) {
    case 'status_changed':
      return { ...p, status: e.to };
    case 'plan_made':
      return { ...p, totalSteps: e.plan.steps.length };
    case 'step_started':
      return { ...p, step: e.index + 1, totalSteps: e.total };
    case 'usage':
      return {
        ...p,
        tokens: p.tokens + e.inputTokens + e.outputTokens,
        costMicroUsd: p.costMicroUsd + e.costMicroUsd,
      };
    default:
      return p;
  }
}

/** The one-line progress: step n of m, elapsed, tokens, cost. */
export function progressLine(p: Progress): string {
  const step = p.totalSteps ? `step ${p.step} of ${p.totalSteps}` : 'no plan yet';
  return `${p.status} · ${step} · ${formatDuration(p.elapsedMs)} · ${p.tokens.toLocaleString('en-US')} tokens · ${formatUsd(p.costMicroUsd)}`;
}
