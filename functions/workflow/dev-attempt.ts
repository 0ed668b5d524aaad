import { teamRuntime } from '@techteam/shared/runtime/team';
import { TASK_STATE_FUNCTIONS } from '@techteam/shared/workflow';

/** Step Functions Task state 'DevAttempt'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => TASK_STATE_FUNCTIONS.DevAttempt(teamRuntime(), input as never);
