import { teamRuntime } from '@techteam/shared/runtime/team';
import { requestApproval } from '@techteam/shared/workflow';

/** Step Functions Task state 'ApprovalGate'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => requestApproval(teamRuntime(), input as never);
