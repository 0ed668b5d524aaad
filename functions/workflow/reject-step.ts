import { deps } from '@techteam/shared/deps';
import { rejectStep } from '@techteam/shared/workflow/step-gates';
import { taskState } from './task-state';

/** Step Functions Task state 'RejectStep'; its input is the state's ids-only payload. */
export const handler = taskState('RejectStep', (input) => rejectStep(deps(), input));
