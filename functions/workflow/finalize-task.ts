import { runtime } from '@techteam/shared/runtime';
import { finalizeTask } from '@techteam/shared/workflow';

/** Step Functions Task state; its input is the state's ids-only payload. */
export const handler = (input: Parameters<typeof finalizeTask>[1]) => finalizeTask(runtime(), input);
