import { teamRuntime } from '@techteam/shared/runtime/team';
import { qaReview } from '@techteam/shared/workflow/step-states';
import { taskState } from './task-state';

/** Step Functions Task state 'QAReview'; its input is the state's ids-only payload. */
export const handler = taskState('QAReview', (input) => qaReview(teamRuntime(), input));
