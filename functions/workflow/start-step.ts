import { runtime } from '@techteam/shared/runtime';
import { startStep } from '@techteam/shared/workflow/states/step-gates';
import { taskState } from './task-state';

/** Step Functions Task state 'StartStep'; its input is the state's ids-only payload. */
export const handler = taskState('StartStep', (input) => startStep(runtime(), input));
