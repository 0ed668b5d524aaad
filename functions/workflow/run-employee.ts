import { teamRuntime } from '@techteam/shared/runtime/team';
import { runEmployee } from '@techteam/shared/workflow/step-states';
import { taskState } from './task-state';

/** Step Functions Task state 'RunEmployee'; its input is the state's ids-only payload. */
export const handler = taskState('RunEmployee', (input) => runEmployee(teamRuntime(), input));
