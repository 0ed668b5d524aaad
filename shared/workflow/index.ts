export {
  placeholderArns,
  substituteDefinition,
  TASK_STATES,
  type TaskStateName,
  TRANSIENT_ERRORS,
  type WorkflowInput,
  workflowDefinition,
} from './definition';
export { directModels } from './direct-models';
export type { WorkflowEngine } from './engine';
export { PlanInvalid, TaskNotRunnable, WorkflowStartFailed } from './errors';
export { type LocalEngineOptions, LocalWorkflowEngine, type TaskStateHandler } from './local-engine';
export type { EmployeeCall, MeteredResponse, TeamModels } from './models';
export { orderPlanSteps } from './plan-order';
export { StepFunctionsEngine, stepFunctionsEngine } from './step-functions-engine';
export { cancelTask, failInterruptedTasks, type LifecycleDeps, submitTask } from './task-lifecycle';
export {
  type CaughtError,
  finalizeTask,
  markTaskFailed,
  planTask,
  runStep,
  type StepInput,
  type WorkflowDeps,
} from './task-states';
