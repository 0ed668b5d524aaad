import { sandboxRunsRuntime } from '@techteam/shared/runtime/sandbox-runs';
import { markTaskFailed } from '@techteam/shared/workflow/states/finish-states';
import { taskState } from './task-state';

/** Step Functions Task state 'MarkTaskFailed'; its input is the state's ids-only payload. */
export const handler = taskState('MarkTaskFailed', (input) => markTaskFailed(sandboxRunsRuntime(), input));
