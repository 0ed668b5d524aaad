import { modelRuntime } from '@techteam/shared/runtime/models';
import { planTask } from '@techteam/shared/workflow/plan-states';

/** Step Functions Task state 'Plan'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => planTask(modelRuntime(), input as never);
