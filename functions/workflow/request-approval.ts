import { modelRuntime } from '@techteam/shared/runtime/models';
import { requestApproval } from '@techteam/shared/workflow/states/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'RequestApproval'; its input is the state's ids-only payload. */
export const handler = taskState('RequestApproval', (input) => requestApproval(modelRuntime(), input));
