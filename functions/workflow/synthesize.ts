import { teamRuntime } from '@techteam/shared/runtime/team';
import { synthesize } from '@techteam/shared/workflow';

/** Step Functions Task state 'Synthesize'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => synthesize(teamRuntime(), input as never);
