import { readingRuntime } from '@techteam/shared/runtime/reading';
import { replan } from '@techteam/shared/workflow/states/replan-state';
import { taskState } from './task-state';

/** Step Functions Task state 'Replan'; its input is the state's ids-only payload and the caught error. */
export const handler = taskState('Replan', (input) => replan(readingRuntime(), input));
