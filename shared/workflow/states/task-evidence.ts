import type { Plan, StepResult, Task, TaskEvent } from '../../domain';
import { limitLabel } from '../../sandbox/job';
import type { Store } from '../../store';
import { diffFiles } from '../../workspace/diff';
import type { WorkflowDeps } from '../deps';

/** How much of the task's diff and of each step's report the Super Agent reads. */
export const DIFF_CHARS = 12_000;
export const REPORT_CHARS = 2_000;

function clip(text: string, max: number): string {
  return text.length <= max
    ? text
    : `${text.slice(0, max)}\n[… ${text.length - max} more characters not shown]`;
}

type SandboxRunEvent = Extract<TaskEvent, { type: 'sandbox_run' }>;

/** The last sandbox run of each step (and of the task overall), read from the task's events. */
async function lastSandboxRuns(store: Store, task: Task): Promise<SandboxRunEvent[]> {
  const last = new Map<string, SandboxRunEvent>();
  let after: string | undefined;
  do {
    const page = await store.listEvents(task.tenantId, task.id, { limit: 500, ...(after ? { after } : {}) });
    for (const e of page.items) if (e.type === 'sandbox_run') last.set(e.stepId ?? '', e);
    after = page.next;
  } while (after);
  return [...last.values()];
}

function runLine(e: SandboxRunEvent): string {
  const tests = e.tests
    ? `${e.tests.passed} passed, ${e.tests.failed} failed, ${e.tests.errors} errors`
    : 'no test counts';
  return `- step ${e.stepId ?? '(none)'}, by ${e.employee}: \`${e.command}\` exit ${e.exitCode}, ${tests}${e.limit ? `, stopped by the ${limitLabel(e.limit)} limit` : ''}`;
}

function stepLine(step: Plan['steps'][number], result: StepResult | undefined): string[] {
  const status = result?.status ?? 'not started';
  const rounds = result?.round ? `, ${result.round} Dev/QA round(s)` : '';
  return [
    `### ${step.id}: ${step.title} (${step.employee}) — ${status}${rounds}`,
    `Acceptance: ${step.acceptance || '(none given)'}`,
    `Report: ${clip(result?.output.trim() || '(none)', REPORT_CHARS)}`,
    ...(result?.findings ? [`QA's findings: ${clip(result.findings, REPORT_CHARS)}`] : []),
  ];
}

/**
 * What the team did and what the workspace holds, as the Super Agent reads it before a
 * re-plan or the summary: each step's outcome, the files with their sizes, the task's diff
 * (clipped), and the last sandbox runs. The evidence, so the summary cannot claim more.
 */
export async function taskEvidence(
  { store, workspaceFor }: WorkflowDeps,
  task: Task,
  plan: Plan | undefined,
): Promise<string> {
  const results = await store.listStepResults(task.tenantId, task.id);
  const steps = plan?.steps ?? [];
  const dropped = results.filter((r) => !steps.some((s) => s.id === r.stepId));
  const files = await workspaceFor(task.tenantId, task.id).files();
  const paths = Object.keys(files).sort();
  const runs = await lastSandboxRuns(store, task);
  // Tasks start with an empty workspace, so the task's diff is against nothing.
  const diff = diffFiles({}, files);
  return [
    '## Steps and their outcomes',
    ...steps.flatMap((s) =>
      stepLine(
        s,
        results.find((r) => r.stepId === s.id),
      ),
    ),
    ...(dropped.length
      ? [
          '',
          '## Steps of the first plan that are no longer in the plan',
          ...dropped.map(
            (r) => `- ${r.stepId}: ${r.status}${r.findings ? `; QA: ${clip(r.findings, 500)}` : ''}`,
          ),
        ]
      : []),
    '',
    `## Files in the workspace (${paths.length})`,
    ...(paths.length
      ? paths.map((p) => `- ${p} (${Buffer.byteLength(files[p]!, 'utf8')} bytes)`)
      : ['(the workspace is empty: no file was written)']),
    '',
    '## Last sandbox runs',
    ...(runs.length ? runs.map(runLine) : ['(no code was run in the sandbox)']),
    '',
    '## Diff of the task (against the empty workspace it started with)',
    diff ? clip(diff, DIFF_CHARS) : '(no changes)',
  ].join('\n');
}
