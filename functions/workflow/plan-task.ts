import { withMemory } from '@techteam/shared/deps/memory';
import { modelDeps } from '@techteam/shared/deps/models';
import { planTask } from '@techteam/shared/workflow/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'PlanTask'; its input is the state's ids-only payload. */
export const handler = taskState('PlanTask', async (input) => planTask(await withMemory(modelDeps()), input));
