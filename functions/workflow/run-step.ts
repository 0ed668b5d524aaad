import { runtime } from '@techteam/shared/runtime';
import { runStep } from '@techteam/shared/workflow';

/** Step Functions Task state; its input is the state's ids-only payload. */
export const handler = (input: Parameters<typeof runStep>[1]) => runStep(runtime(), input);
