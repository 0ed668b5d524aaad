import { readingDeps } from '@techteam/shared/deps/reading';
import { replan } from '@techteam/shared/workflow/replan-state';
import { taskState } from './task-state';

/** Step Functions Task state 'Replan'; its input is the state's ids-only payload and the caught error. */
export const handler = taskState('Replan', (input) => replan(readingDeps(), input));
