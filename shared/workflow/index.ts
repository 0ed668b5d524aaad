export {
  APPROVAL_TIMEOUT_SECONDS,
  placeholderArns,
  REPLANNABLE_ERRORS,
  substituteDefinition,
  TASK_STATES,
  type TaskStateName,
  TOKEN_STATES,
  TRANSIENT_ERRORS,
  WAVE_CONCURRENCY,
  type WorkflowInput,
  workflowDefinition,
} from './definition';
export { MAX_DEV_ROUNDS, TaskSignals, type WorkflowDeps } from './deps';
export { directModels } from './direct-models';
export type { WorkflowEngine } from './engine';
export { PlanInvalid, StepStuck, TaskNotRunnable, WorkflowStartFailed } from './errors';
export { type CaughtError, finalizeTask, markTaskFailed, synthesize } from './finish-states';
export {
  type Continuation,
  checkpointScope,
  type Invocation,
  LAMBDA_CEILING_MS,
} from './invocation';
export type { EmployeeCall, MeteredResponse, TeamModels } from './models';
export { type DraftReading, readPlanDraft, readReplanDraft } from './plan-draft';
export { planTask, requestApproval, startRun, submitPlanSchema } from './plan-states';
export { type PlanProblem, planProblems, planWaves } from './plan-waves';
export { type ReplanOutcome, replanTask, submitReplanSchema } from './replan-state';
// The engines are imported by path: the Step Functions one on first use, the local one
// (aws-local-stepfunctions, its validator and credential chain) only by the local host.
export { type StepInput, StepRejected } from './step-context';
export { rejectStep, startStep } from './step-gates';
export { devAttempt, qaReview, runEmployee } from './step-states';
export {
  approveTask,
  cancelTask,
  type LifecycleDeps,
  rejectTask,
  resumeInterruptedTasks,
  resumeTask,
  submitTask,
} from './task-lifecycle';
export { acceptVerdict, submitVerdict, type Verdict } from './verdict-tool';

import type { TaskStateName } from './definition';
import type { WorkflowDeps } from './deps';
import * as finish from './finish-states';
import type { Invocation } from './invocation';
import * as plan from './plan-states';
import * as replan from './replan-state';
import * as gates from './step-gates';
import * as steps from './step-states';

/** Task state name → the core function it runs (what each functions/workflow handler calls). */
export const TASK_STATE_FUNCTIONS: Record<
  TaskStateName,
  (deps: WorkflowDeps, input: never, invocation?: Invocation) => Promise<unknown>
> = {
  Plan: plan.planTask,
  ApprovalGate: plan.requestApproval,
  StartRun: plan.startRun,
  StartStep: gates.startStep,
  RunEmployee: steps.runEmployee,
  DevAttempt: steps.devAttempt,
  QAReview: steps.qaReview,
  RejectStep: gates.rejectStep,
  Replan: replan.replanTask,
  Synthesize: finish.synthesize,
  Finalize: finish.finalizeTask,
  MarkFailed: finish.markTaskFailed,
};
