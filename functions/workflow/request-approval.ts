import { modelDeps } from '@techteam/shared/deps/models';
import { requestApproval } from '@techteam/shared/workflow/plan-states';
import { taskState } from './task-state';

/** Step Functions Task state 'RequestApproval'; its input is the state's ids-only payload. */
export const handler = taskState('RequestApproval', (input) => requestApproval(modelDeps(), input));
