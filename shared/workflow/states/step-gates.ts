import { onTeam, type StepResult } from '../../domain';
import type { WorkflowDeps } from '../deps';
import { MAX_DEV_ROUNDS } from '../deps';
import { finishStep, loadStep, type StepInput, StepRejected } from './step-context';

// The step states that run no employee: kept apart from ./step-states so that the
// StartStep and RejectStep Lambdas never bundle the MCP toolbox it imports.

/**
 * The round a dev step goes on from: after QA reviewed round n, round n + 1 (even past the usual
 * last round: a person resumed the task to have another go); when Dev finished round n but QA
 * never reviewed it, round n again, with the findings it had.
 */
export function resumeRound(result: StepResult | undefined): number {
  if (!result?.round) return 1;
  return result.reviewedRound === result.round ? result.round + 1 : result.round;
}

/**
 * StartStep: announces the step and says how it runs; a step already done is skipped (resume).
 * A dev step that had rounds keeps its result, so Dev goes on with QA's findings.
 */
export async function startStep(
  deps: WorkflowDeps,
  input: StepInput,
): Promise<{ done: boolean; loop: 'dev' | 'review' | 'single'; round: number; maxRounds: number }> {
  const ctx = await loadStep(deps, input, `start step '${input.stepId}'`);
  // A qa step of its own is one review whose verdict counts (a fail rejects the step). A dev
  // step of a task whose team left QA out runs once, unreviewed: QA may not work on it.
  const reviewed = onTeam(ctx.task, 'qa');
  const loop =
    ctx.step.employee === 'dev' && reviewed ? 'dev' : ctx.step.employee === 'qa' ? 'review' : 'single';
  const stored = ctx.results.find((r) => r.stepId === input.stepId);
  const round = loop === 'dev' ? resumeRound(stored) : 1;
  const maxRounds = loop === 'review' ? 1 : Math.max(MAX_DEV_ROUNDS, round);
  if (stored?.status === 'succeeded') return { done: true, loop, round: 1, maxRounds };
  await deps.store.appendEvent(input.tenantId, input.taskId, {
    type: 'step_started',
    stepId: ctx.step.id,
    employee: ctx.step.employee,
    title: ctx.step.title,
    index: ctx.order.indexOf(ctx.step.id),
    total: ctx.order.length,
  });
  if (round > 1 && stored) {
    const { finishedAt: _, ...kept } = stored;
    await deps.store.saveStepResult(input.tenantId, input.taskId, { ...kept, status: 'running' });
  } else {
    await deps.store.saveStepResult(input.tenantId, input.taskId, {
      stepId: ctx.step.id,
      status: 'running',
      output: '',
      startedAt: new Date().toISOString(),
    });
  }
  return { done: false, loop, round, maxRounds };
}

/** RejectStep: QA rejected the last round; the step fails and, with it, the run. */
export async function rejectStep(deps: WorkflowDeps, input: StepInput & { round: number }): Promise<never> {
  const ctx = await loadStep(deps, input, `reject step '${input.stepId}'`);
  const last = ctx.results.find((r) => r.stepId === input.stepId);
  const findings = last?.findings ?? 'no findings recorded';
  // The whole review is kept (findings, failing tests, their output): a resume goes on from it.
  const { stepId: _, finishedAt: __, ...kept } = last ?? { stepId: '', output: '' };
  await finishStep(deps, ctx, {
    ...kept,
    status: 'failed',
    output: last?.output ?? '',
    round: input.round,
    findings,
  });
  throw new StepRejected(ctx.step.id, input.round, findings);
}
