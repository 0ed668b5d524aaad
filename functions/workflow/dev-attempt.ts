import { teamDeps } from '@techteam/shared/deps/team';
import { devAttempt } from '@techteam/shared/workflow/step-states';
import { taskState } from './task-state';

/**
 * Step Functions Task state 'DevAttempt'; its input is the state's ids-only payload;
 * the context's remaining time lets a long turn checkpoint and continue in the next invocation.
 */
export const handler = taskState('DevAttempt', (input, context) => devAttempt(teamDeps(), input, context));
