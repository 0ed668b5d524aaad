import { deps } from '@techteam/shared/deps';
import { startStep } from '@techteam/shared/workflow/step-gates';
import { taskState } from './task-state';

/** Step Functions Task state 'StartStep'; its input is the state's ids-only payload. */
export const handler = taskState('StartStep', (input) => startStep(deps(), input));
