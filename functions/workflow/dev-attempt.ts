import { teamRuntime } from '@techteam/shared/runtime/team';
import { devAttempt } from '@techteam/shared/workflow/step-states';

/** Step Functions Task state 'DevAttempt'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => devAttempt(teamRuntime(), input as never);
