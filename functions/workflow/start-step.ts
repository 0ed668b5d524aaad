import { runtime } from '@techteam/shared/runtime';
import { startStep } from '@techteam/shared/workflow/step-gates';

/** Step Functions Task state 'StartStep'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => startStep(runtime(), input as never);
