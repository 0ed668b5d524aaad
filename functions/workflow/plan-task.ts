import { modelRuntime } from '@techteam/shared/runtime/models';
import { planTask } from '@techteam/shared/workflow/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'Plan'; its input is the state's ids-only payload. */
export const handler = taskState('Plan', (input) => planTask(modelRuntime(), input));
