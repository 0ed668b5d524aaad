import { modelRuntime } from '@techteam/shared/runtime/models';
import { requestApproval } from '@techteam/shared/workflow/plan-states';

/** Step Functions Task state 'ApprovalGate'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => requestApproval(modelRuntime(), input as never);
