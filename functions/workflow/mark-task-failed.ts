import { runtime } from '@techteam/shared/runtime';
import { markTaskFailed } from '@techteam/shared/workflow/finish-states';

/** Step Functions Task state 'MarkFailed'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => markTaskFailed(runtime(), input as never);
