import type { WorkflowDeps } from './deps';
import { MAX_DEV_ROUNDS } from './deps';
import { finishStep, loadStep, type StepInput, StepRejected } from './step-context';

// The step states that run no employee: kept apart from ./step-states so that the
// StartStep and RejectStep Lambdas never bundle the MCP toolbox it imports.

/** StartStep: announces the step and says how it runs; a step already done is skipped (resume). */
export async function startStep(
  deps: WorkflowDeps,
  input: StepInput,
): Promise<{ done: boolean; loop: 'dev' | 'review' | 'single'; round: number; maxRounds: number }> {
  const ctx = await loadStep(deps, input, `start step '${input.stepId}'`);
  // A qa step of its own (one that reviewed a single dev step was folded into it) is one
  // review whose verdict counts: QAReview with one round, so a fail rejects the step.
  const loop = ctx.step.employee === 'dev' ? 'dev' : ctx.step.employee === 'qa' ? 'review' : 'single';
  const maxRounds = loop === 'review' ? 1 : MAX_DEV_ROUNDS;
  if (ctx.results.some((r) => r.stepId === input.stepId && r.status === 'succeeded')) {
    return { done: true, loop, round: 1, maxRounds };
  }
  await deps.store.appendEvent(input.tenantId, input.taskId, {
    type: 'step_started',
    stepId: ctx.step.id,
    employee: ctx.step.employee,
    title: ctx.step.title,
    index: ctx.order.indexOf(ctx.step.id),
    total: ctx.order.length,
  });
  await deps.store.saveStepResult(input.tenantId, input.taskId, {
    stepId: ctx.step.id,
    status: 'running',
    output: '',
    startedAt: new Date().toISOString(),
  });
  return { done: false, loop, round: 1, maxRounds };
}

/** RejectStep: QA rejected the last round; the step fails and, with it, the run. */
export async function rejectStep(deps: WorkflowDeps, input: StepInput & { round: number }): Promise<never> {
  const ctx = await loadStep(deps, input, `reject step '${input.stepId}'`);
  const last = ctx.results.find((r) => r.stepId === input.stepId);
  const findings = last?.findings ?? 'no findings recorded';
  await finishStep(deps, ctx, { status: 'failed', output: last?.output ?? '', round: input.round, findings });
  throw new StepRejected(ctx.step.id, input.round, findings);
}
