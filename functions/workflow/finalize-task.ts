import { withMemory } from '@techteam/shared/runtime/memory';
import { sandboxRunsRuntime } from '@techteam/shared/runtime/sandbox-runs';
import { finalizeTask } from '@techteam/shared/workflow/states/finish-states';
import { taskState } from './task-state';

/** Step Functions Task state 'FinalizeTask'; its input is the state's ids-only payload. */
export const handler = taskState('FinalizeTask', async (input) =>
  finalizeTask(await withMemory(sandboxRunsRuntime()), input),
);
