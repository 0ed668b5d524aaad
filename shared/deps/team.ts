import { sandboxFromEnv } from './aws-sandbox';
import { withPart } from './deps';
import type { ModelDeps } from './models';
import { readingDeps } from './reading';

/**
 * The runtime with what the team works with: the model gateway, the task
 * workspaces in S3 and the AWS sandbox. For the handlers that run employees;
 * added to the process's runtime once. The local host installs a whole runtime
 * up front, so there this returns it unchanged.
 */
export function teamDeps(): ModelDeps {
  readingDeps();
  return withPart('sandbox', (base) => {
    const sandbox = sandboxFromEnv(process.env);
    return { ...base, ...(sandbox ? { sandbox } : {}) } as ModelDeps;
  });
}
