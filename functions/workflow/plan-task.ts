import { withMemory } from '@techteam/shared/runtime/memory';
import { modelRuntime } from '@techteam/shared/runtime/models';
import { planTask } from '@techteam/shared/workflow/states/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'PlanTask'; its input is the state's ids-only payload. */
export const handler = taskState('PlanTask', async (input) =>
  planTask(await withMemory(modelRuntime()), input),
);
