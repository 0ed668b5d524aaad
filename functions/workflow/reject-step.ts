import { runtime } from '@techteam/shared/runtime';
import { rejectStep } from '@techteam/shared/workflow/step-gates';

/** Step Functions Task state 'RejectStep'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => rejectStep(runtime(), input as never);
