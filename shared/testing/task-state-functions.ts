import type { TaskStateName } from '../workflow/definition';
import type { WorkflowDeps } from '../workflow/deps';
import * as finish from '../workflow/states/finish-states';
import type { Invocation } from '../workflow/states/invocation';
import * as plan from '../workflow/states/plan-states';
import * as replan from '../workflow/states/replan-state';
import * as gates from '../workflow/states/step-gates';
import * as steps from '../workflow/states/step-states';

/**
 * Task state name → the core function it runs, each named as its state (`QAReview` →
 * `qaReview`): what each functions/workflow handler calls, for tests that run the definition in
 * the local engine without the Lambda doors.
 */
export const TASK_STATE_FUNCTIONS: Record<
  TaskStateName,
  (deps: WorkflowDeps, input: never, invocation?: Invocation) => Promise<unknown>
> = {
  PlanTask: plan.planTask,
  RequestApproval: plan.requestApproval,
  StartRun: plan.startRun,
  StartStep: gates.startStep,
  RunEmployee: steps.runEmployee,
  DevAttempt: steps.devAttempt,
  QAReview: steps.qaReview,
  RejectStep: gates.rejectStep,
  Replan: replan.replan,
  Synthesize: finish.synthesize,
  FinalizeTask: finish.finalizeTask,
  MarkTaskFailed: finish.markTaskFailed,
};
