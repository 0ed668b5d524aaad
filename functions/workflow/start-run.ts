import { sandboxRunnersDeps } from '@techteam/shared/deps/sandbox-runners';
import { startRun } from '@techteam/shared/workflow/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'StartRun'; its input is the state's ids-only payload. */
export const handler = taskState('StartRun', (input) => startRun(sandboxRunnersDeps(), input));
