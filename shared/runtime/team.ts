import { sandboxFromEnv } from './aws-sandbox';
import type { ModelRuntime } from './models';
import { readingRuntime } from './reading';
import { withPart } from './runtime';

/**
 * The runtime with what the team works with: the model gateway, the task
 * workspaces in S3 and the AWS sandbox. For the handlers that run employees;
 * added to the process's runtime once. The local host installs a whole runtime
 * up front, so there this returns it unchanged.
 */
export function teamRuntime(): ModelRuntime {
  readingRuntime();
  return withPart('sandbox', (base) => {
    const sandbox = sandboxFromEnv(process.env);
    return { ...base, ...(sandbox ? { sandbox } : {}) } as ModelRuntime;
  });
}
