import { TechteamError } from '../errors';

export class TaskNotRunnable extends TechteamError {
  constructor(taskId: string, status: string, action: string) {
    super('TaskNotRunnable', 409, `Task ${taskId} is ${status}; cannot ${action}`, { taskId, status });
  }
}

export class PlanInvalid extends TechteamError {
  constructor(problems: string[]) {
    super('PlanInvalid', 422, `The plan is invalid: ${problems.join('; ')}`, { problems });
  }
}

export class WorkflowStartFailed extends TechteamError {
  constructor(taskId: string, cause: string) {
    super('WorkflowStartFailed', 503, `Could not start the run of task ${taskId}: ${cause}`, { taskId });
  }
}

/**
 * A step's employee gave up without finishing (stuck repeating itself): thrown by the step
 * states so the run can re-plan (definition.ts REPLANNABLE_ERRORS).
 */
export class StepStuck extends TechteamError {
  constructor(stepId: string, reason: string) {
    super('StepStuck', 422, `Step '${stepId}' got stuck: ${reason}`, { stepId });
  }
}
