import { withMemory } from '@techteam/shared/memory/runtime';
import { modelRuntime } from '@techteam/shared/runtime/models';
import { planTask } from '@techteam/shared/workflow/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'Plan'; its input is the state's ids-only payload. */
export const handler = taskState('Plan', async (input) => planTask(await withMemory(modelRuntime()), input));
