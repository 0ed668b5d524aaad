export {
  APPROVAL_TIMEOUT_SECONDS,
  placeholderArns,
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
export { PlanInvalid, TaskNotRunnable, WorkflowStartFailed } from './errors';
export { type CaughtError, finalizeTask, markTaskFailed, synthesize } from './finish-states';
export {
  type LocalEngineOptions,
  LocalWorkflowEngine,
  type TaskStateHandler,
  TaskTokenUnknown,
} from './local-engine';
export type { EmployeeCall, MeteredResponse, TeamModels } from './models';
export { planTask, requestApproval, startRun } from './plan-states';
export { type PlanProblem, planProblems, planWaves } from './plan-waves';
// The Step Functions engine (./step-functions-engine) is imported by path, on first use.
export {
  devAttempt,
  parseVerdict,
  qaReview,
  rejectStep,
  runEmployee,
  type StepInput,
  StepRejected,
  startStep,
} from './step-states';
export {
  approveTask,
  cancelTask,
  type LifecycleDeps,
  rejectTask,
  resumeInterruptedTasks,
  resumeTask,
  submitTask,
} from './task-lifecycle';

import type { TaskStateName } from './definition';
import type { WorkflowDeps } from './deps';
import * as finish from './finish-states';
import * as plan from './plan-states';
import * as steps from './step-states';

/** Task state name → the core function it runs (what each functions/workflow handler calls). */
export const TASK_STATE_FUNCTIONS: Record<
  TaskStateName,
  (deps: WorkflowDeps, input: never) => Promise<unknown>
> = {
  Plan: plan.planTask,
  ApprovalGate: plan.requestApproval,
  StartRun: plan.startRun,
  StartStep: steps.startStep,
  RunEmployee: steps.runEmployee,
  DevAttempt: steps.devAttempt,
  QAReview: steps.qaReview,
  RejectStep: steps.rejectStep,
  Synthesize: finish.synthesize,
  Finalize: finish.finalizeTask,
  MarkFailed: finish.markTaskFailed,
};
