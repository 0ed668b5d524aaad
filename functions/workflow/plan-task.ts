import { runtime } from '@techteam/shared/runtime';
import { planTask } from '@techteam/shared/workflow';

/** Step Functions Task state; its input is the state's ids-only payload. */
export const handler = (input: Parameters<typeof planTask>[1]) => planTask(runtime(), input);
