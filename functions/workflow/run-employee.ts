import { teamRuntime } from '@techteam/shared/runtime/team';
import { runEmployee } from '@techteam/shared/workflow/step-states';

/** Step Functions Task state 'RunEmployee'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => runEmployee(teamRuntime(), input as never);
