import { withMemory } from '@techteam/shared/memory/runtime';
import { sandboxRunsRuntime } from '@techteam/shared/runtime/sandbox-runs';
import { markTaskFailed } from '@techteam/shared/workflow/finish-states';
import { taskState } from './task-state';

/** Step Functions Task state 'MarkFailed'; its input is the state's ids-only payload. */
export const handler = taskState('MarkFailed', async (input) =>
  markTaskFailed(await withMemory(sandboxRunsRuntime()), input),
);
