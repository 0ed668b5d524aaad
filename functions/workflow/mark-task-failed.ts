import { runtime } from '@techteam/shared/runtime';
import { markTaskFailed } from '@techteam/shared/workflow';

/** Step Functions Task state; its input is the state's ids-only payload. */
export const handler = (input: Parameters<typeof markTaskFailed>[1]) => markTaskFailed(runtime(), input);
