import { modelRuntime } from '@techteam/shared/runtime/models';
import { synthesize } from '@techteam/shared/workflow/finish-states';

/** Step Functions Task state 'Synthesize'; its input is the state's ids-only payload. */
export const handler = (input: unknown) => synthesize(modelRuntime(), input as never);
