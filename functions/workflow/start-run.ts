import { runtime } from '@techteam/shared/runtime';
import { startRun } from '@techteam/shared/workflow/plan-states';

/** Step Functions Task state 'StartRun'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => startRun(runtime(), input as never);
