import { teamRuntime } from '@techteam/shared/runtime/team';
import { qaReview } from '@techteam/shared/workflow/step-states';

/** Step Functions Task state 'QAReview'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => qaReview(teamRuntime(), input as never);
