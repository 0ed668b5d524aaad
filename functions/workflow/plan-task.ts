import { teamRuntime } from '@techteam/shared/runtime/team';
import { planTask } from '@techteam/shared/workflow';

/** Step Functions Task state 'Plan'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => planTask(teamRuntime(), input as never);
