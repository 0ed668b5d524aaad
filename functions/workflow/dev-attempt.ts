import { teamRuntime } from '@techteam/shared/runtime/team';
import { devAttempt } from '@techteam/shared/workflow/step-states';
import { taskState } from './task-state';

/** Step Functions Task state 'DevAttempt'; its input is the state's ids-only payload. */
export const handler = taskState('DevAttempt', (input) => devAttempt(teamRuntime(), input));
