import { sandboxRunsRuntime } from '@techteam/shared/runtime/sandbox-runs';
import { startRun } from '@techteam/shared/workflow/states/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'StartRun'; its input is the state's ids-only payload. */
export const handler = taskState('StartRun', (input) => startRun(sandboxRunsRuntime(), input));
