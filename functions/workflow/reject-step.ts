import { runtime } from '@techteam/shared/runtime';
import { rejectStep } from '@techteam/shared/workflow/states/step-gates';
import { taskState } from './task-state';

/** Step Functions Task state 'RejectStep'; its input is the state's ids-only payload. */
export const handler = taskState('RejectStep', (input) => rejectStep(runtime(), input));
