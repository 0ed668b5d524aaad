export {
  APPROVAL_TIMEOUT_SECONDS,
  arnVariable,
  placeholderArns,
  REPLANNABLE_ERRORS,
  substituteDefinition,
  TASK_STATE_NAMES,
  TASK_STATES,
  type TaskStateName,
  TOKEN_STATES,
  TRANSIENT_ERRORS,
  WAVE_CONCURRENCY,
  type WorkflowInput,
  workflowDefinition,
} from './definition';
export { MAX_DEV_ROUNDS, TaskSignals, type WorkflowDeps } from './deps';
export type { WorkflowEngine } from './engines/engine';
export { PlanInvalid, StepStuck, TaskNotRunnable, WorkflowStartFailed } from './errors';
export type { EmployeeCall, MeteredResponse, TeamModels } from './models';
export { type PlanProblem, planProblems, planWaves } from './plan-waves';
export { type CaughtError, finalizeTask, markTaskFailed, synthesize } from './states/finish-states';
export {
  type Continuation,
  checkpointScope,
  type Invocation,
  LAMBDA_CEILING_MS,
} from './states/invocation';
export { type DraftReading, readPlanDraft, readReplanDraft } from './states/plan-draft';
export { planTask, requestApproval, startRun, submitPlanSchema } from './states/plan-states';
export { type ReplanOutcome, replan, replan as replanTask, submitReplanSchema } from './states/replan-state';
// The engines are imported by path: the Step Functions one on first use, the local one
// (aws-local-stepfunctions, its validator and credential chain) only by the local host.
export { type StepInput, StepRejected } from './states/step-context';
export { rejectStep, startStep } from './states/step-gates';
export { devAttempt, qaReview, runEmployee } from './states/step-states';
export { acceptVerdict, submitVerdict, type Verdict } from './states/verdict-tool';
export {
  approveTask,
  cancelTask,
  type LifecycleDeps,
  rejectTask,
  resumeInterruptedTasks,
  resumeTask,
  submitTask,
} from './task-lifecycle';
