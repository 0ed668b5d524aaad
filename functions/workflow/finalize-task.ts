import { withMemory } from '@techteam/shared/memory/runtime';
import { sandboxRunsRuntime } from '@techteam/shared/runtime/sandbox-runs';
import { finalizeTask } from '@techteam/shared/workflow/finish-states';
import { taskState } from './task-state';

/** Step Functions Task state 'Finalize'; its input is the state's ids-only payload. */
export const handler = taskState('Finalize', async (input) =>
  finalizeTask(await withMemory(sandboxRunsRuntime()), input),
);
