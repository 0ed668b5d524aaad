import type { Plan, StepResult, Task } from '../domain';
import { MEMORY_EMPLOYEE } from '../domain/usage-notes';
import type { Store } from '../store';
import type { SearchHit, TeamMemory } from './team-memory';

/** The QA findings worth keeping per step (the last verdict's). */
function findingsOf(results: readonly StepResult[]): string[] {
  return results.filter((r) => r.findings).map((r) => `- ${r.stepId}: ${r.findings!.slice(0, 600)}`);
}

/** The memory of a finished task as Markdown: what was asked, what was built, what failed and why, QA's findings, the files. */
export function taskMemoryText(
  task: Task,
  plan: Plan | undefined,
  results: readonly StepResult[],
  files: readonly string[],
): string {
  const lines = [
    `# ${task.title}`,
    '',
    `## Asked`,
    task.prompt.slice(0, 2000),
    '',
    `## Outcome: ${task.status}`,
  ];
  if (task.summary) lines.push(task.summary.slice(0, 3000));
  if (task.failure)
    lines.push('', '## What failed and why', `${task.failure.code}: ${task.failure.message.slice(0, 1000)}`);
  if (plan?.steps.length) {
    lines.push('', '## Steps');
    for (const s of plan.steps) {
      const r = results.find((x) => x.stepId === s.id);
      lines.push(`- ${s.id} (${s.employee}): ${s.title}${r ? ` [${r.status}]` : ''}`);
    }
  }
  const findings = findingsOf(results);
  if (findings.length) lines.push('', "## QA's findings", ...findings);
  if (files.length) lines.push('', '## Files', ...files.slice(0, 100).map((f) => `- ${f}`));
  return lines.join('\n');
}

/**
 * Writes the memory of a task that has ended (succeeded or failed). Best effort by design: a task's
 * outcome never depends on its memory, so a failure here is returned, not thrown.
 */
export async function rememberTask(
  memory: TeamMemory,
  store: Store,
  tenantId: string,
  taskId: string,
  files: readonly string[] = [],
): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const task = await store.getTask(tenantId, taskId);
    const plan = await store.getPlan(tenantId, taskId);
    const results = await store.listStepResults(tenantId, taskId);
    await memory.remember(
      tenantId,
      {
        id: `mem_${taskId}`,
        taskId,
        title: task.title,
        status: task.status,
        text: taskMemoryText(task, plan, results, files),
        createdAt: new Date().toISOString(),
      },
      // The task has ended (its log is closed): the month pays, the record names the task.
      { tenantId, taskId, employeeId: MEMORY_EMPLOYEE, taskless: true },
    );
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Passages as the planner and `memory.search` show them: text with its citation. */
export function citedPassages(
  hits: readonly SearchHit[],
): Array<{ text: string; citation: SearchHit['citation'] }> {
  return hits.map((h) => ({ text: h.text, citation: h.citation }));
}

/** The planner's context: the most relevant memories and documents for a task, as a prompt section (empty when nothing is found). */
export async function recallForPlanning(memory: TeamMemory, task: Task): Promise<string[]> {
  const hits = await memory.search(task.tenantId, task.prompt, {
    limit: 5,
    context: { tenantId: task.tenantId, taskId: task.id, employeeId: 'super-agent' },
  });
  if (!hits.length) return [];
  return [
    '',
    "## What the team knows (the tenant's documents and past tasks; cite them as [name#position])",
    ...hits.map(
      (h) => `### [${h.citation.name}#${h.citation.position}] (${h.citation.kind})\n${h.text.slice(0, 1500)}`,
    ),
  ];
}
