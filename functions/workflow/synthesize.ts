import { readingDeps } from '@techteam/shared/deps/reading';
import { synthesize } from '@techteam/shared/workflow/finish-states';
import { taskState } from './task-state';

/** Step Functions Task state 'Synthesize'; its input is the state's ids-only payload. */
export const handler = taskState('Synthesize', (input) => synthesize(readingDeps(), input));
