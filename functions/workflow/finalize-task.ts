import { withMemory } from '@techteam/shared/deps/memory';
import { sandboxRunnersDeps } from '@techteam/shared/deps/sandbox-runners';
import { finalizeTask } from '@techteam/shared/workflow/finish-states';
import { taskState } from './task-state';

/** Step Functions Task state 'FinalizeTask'; its input is the state's ids-only payload. */
export const handler = taskState('FinalizeTask', async (input) =>
  finalizeTask(await withMemory(sandboxRunnersDeps()), input),
);
