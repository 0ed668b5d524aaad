import { withMemory } from '@techteam/shared/deps/memory';
import { teamDeps } from '@techteam/shared/deps/team';
import { runEmployee } from '@techteam/shared/workflow/step-states';
import { taskState } from './task-state';

/**
 * Step Functions Task state 'RunEmployee'; its input is the state's ids-only payload;
 * the context's remaining time lets a long turn checkpoint and continue in the next invocation.
 */
export const handler = taskState('RunEmployee', async (input, context) =>
  runEmployee(await withMemory(teamDeps()), input, context),
);
