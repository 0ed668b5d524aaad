import type { EmployeeProfile, TaskPreference } from '../domain';
import type { ModelRequest, ModelResponse } from './types';

/** One model call on behalf of an employee; the gateway picks the model. */
export interface EmployeeCall extends Omit<ModelRequest, 'model'> {
  profile: EmployeeProfile;
  preference: TaskPreference;
  /** Pin one of the employee's allowed models instead of letting the router choose. */
  model?: string;
  /** Try this allowed model first (the task's choice for the employee); the router's order follows. */
  preferred?: string;
  /** When the step must have its answer (epoch ms): the gateway waits for a cooling model only until then. */
  deadline?: number;
}

export interface MeteredResponse extends ModelResponse {
  costMicroUsd: number;
  attempts: number;
  /** The context window of the model that answered, so the caller can condense before it fills. */
  contextWindow?: number;
}

/** One call of an employee with a prompt of this size, priced at its worst case. */
export interface CallCeilingQuery {
  tenantId?: string;
  profile: EmployeeProfile;
  preference: TaskPreference;
  /** The task's chosen model for the employee, which the router tries first. */
  preferred?: string;
  promptTokens: number;
}

/** What the workflow needs from the model gateway: route, meter and record one call. */
export interface TeamModels {
  complete(call: EmployeeCall): Promise<MeteredResponse>;
  /**
   * The most one call can cost (see CallCeilingQuery), for a plan's estimate; absent means "free"
   * (the demo), undefined that no live model could take the call.
   */
  worstCaseCallMicroUsd?(query: CallCeilingQuery): Promise<number | undefined>;
}
