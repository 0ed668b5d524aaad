import { withMemory } from '@techteam/shared/deps/memory';
import { sandboxRunnersDeps } from '@techteam/shared/deps/sandbox-runners';
import { markTaskFailed } from '@techteam/shared/workflow/finish-states';
import { taskState } from './task-state';

/** Step Functions Task state 'MarkTaskFailed'; its input is the state's ids-only payload. */
export const handler = taskState('MarkTaskFailed', async (input) =>
  markTaskFailed(await withMemory(sandboxRunnersDeps()), input),
);
