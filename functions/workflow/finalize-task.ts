import { runtime } from '@techteam/shared/runtime';
import { finalizeTask } from '@techteam/shared/workflow/finish-states';

/** Step Functions Task state 'Finalize'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => finalizeTask(runtime(), input as never);
