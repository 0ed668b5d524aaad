import { modelRuntime } from '@techteam/shared/runtime/models';
import { requestApproval } from '@techteam/shared/workflow/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'ApprovalGate'; its input is the state's ids-only payload. */
export const handler = taskState('ApprovalGate', (input) => requestApproval(modelRuntime(), input));
