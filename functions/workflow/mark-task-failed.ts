import { withMemory } from '@techteam/shared/runtime/memory';
import { sandboxRunsRuntime } from '@techteam/shared/runtime/sandbox-runs';
import { markTaskFailed } from '@techteam/shared/workflow/states/finish-states';
import { taskState } from './task-state';

/** Step Functions Task state 'MarkTaskFailed'; its input is the state's ids-only payload. */
export const handler = taskState('MarkTaskFailed', async (input) =>
  markTaskFailed(await withMemory(sandboxRunsRuntime()), input),
);
