import { runtime } from '@techteam/shared/runtime';
import { TASK_STATE_FUNCTIONS } from '@techteam/shared/workflow';

/** Step Functions Task state 'StartStep'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => TASK_STATE_FUNCTIONS.StartStep(runtime(), input as never);
